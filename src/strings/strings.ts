// Every visible string of <mfa-otp-flow>, in one place. Hosts override any subset through the
// element's `strings` property; `{name}` placeholders are filled at render time. Strings, not
// functions, so a translation can be plain JSON and be set from any framework.
//
// Placeholders are typed: each key requires the placeholders of its default text (an error's text
// may also show its `{code}`), so a translation written with `defineStrings()` that uses an unknown
// one or leaves out one fails to type-check. A translation that only arrives at run time (JSON) is checked by `format()`: a
// string with the wrong placeholders is reported on the console and the default text shown instead,
// so a customer never reads a literal `{destination}`.

export const DEFAULT_STRINGS = {
  title: 'Verify it’s you',
  label: 'Verification code',
  hint: 'Enter the {length}-digit code.',
  submit: 'Verify',
  resend: 'Resend code',
  send: 'Send code',
  sendNew: 'Send a new code',
  retry: 'Try again',
  cancel: 'Back',
  restart: 'Sign in again',
  resendPrompt: 'Didn’t get a code?',
  /** The resend button during the cooldown; `{time}` is the time left as m:ss. */
  resendIn: 'Resend in {time}',
  /** Read by screen readers with the resend button during the cooldown (not shown). */
  resendWait: 'You can request a new code in {seconds} seconds.',
  /** Announced once when the cooldown ends (not shown: the button says it). */
  resendReady: 'You can request a new code now.',
  waiting: 'Waiting for sign-in…',
  starting: 'Preparing verification…',
  sending: 'Sending a code to {destination}…',
  resending: 'Sending a new code to {destination}…',
  codeSent: 'Code sent to {destination}.',
  codeResent: 'New code sent to {destination}.',
  verifying: 'Verifying…',
  verified: 'Verified.',
  offline: 'You’re offline. Reconnect to continue.',
  incomplete: 'Enter all {length} digits of the code.',
  errorConfig: 'This sign-in step is not set up correctly: {detail}',
  errorNetwork: 'We couldn’t reach the verification service. Check your connection and try again.',
  errorOffline: 'You’re offline. Reconnect, then try again.',
  errorRateLimited: 'Too many codes were requested. Please wait before asking for another one.',
  errorSessionExpired: 'Your verification session expired. Send a new code to continue.',
  errorCodeExpired: 'That code is no longer valid. Request a new one.',
  errorInvalidCode: 'That code isn’t right. Check it and try again.',
  errorAttemptsExhausted: 'Too many wrong codes. Please sign in again.',
  errorReauth: 'Your sign-in has expired. Please sign in again.',
  errorIntegration: 'Verification can’t continue because of a problem on this site (error {code}).',
  errorServer: 'The verification service is having trouble. Please try again.',
  errorTimeout: 'The verification service took too long to answer. Please try again.',
  errorInvalidResponse: 'The verification service sent an unexpected answer. Please try again.',
} as const;

type Defaults = typeof DEFAULT_STRINGS;
export type StringKey = keyof Defaults;

/** The `{name}`s in a string literal type, as a union ('length' | 'code'); never for none. */
export type PlaceholdersIn<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PlaceholdersIn<Rest>
  : never;

/** The placeholders a key requires: those of its default text. */
export type PlaceholdersOf<K extends StringKey> = PlaceholdersIn<Defaults[K]>;

/** The placeholders a key may use: its own, and for an error's text also the error's `{code}`. */
export type AllowedPlaceholdersOf<K extends StringKey> = PlaceholdersOf<K> | (K extends `error${string}` ? 'code' : never);

/** The values a key's placeholders are filled with. */
export type StringValues<K extends StringKey> = { [P in PlaceholdersOf<K>]: string | number } & {
  [P in Exclude<AllowedPlaceholdersOf<K>, PlaceholdersOf<K>>]?: string | number;
};

/** Every string, as the element uses them. */
export type MfaStrings = { [K in StringKey]: string };

/** Whether every member of A is in B (`never` is in everything). */
type Within<A, B> = [A] extends [B] ? true : false;

/**
 * What a translation's value must be for key K: a string that uses every placeholder K requires and
 * none it does not know. A value typed as plain `string` (not a literal) cannot be checked here;
 * `format()` checks it at run time.
 */
type Checked<K, V> = K extends StringKey
  ? V extends string
    ? string extends V
      ? V
      : Within<PlaceholdersIn<V>, AllowedPlaceholdersOf<K>> extends false
        ? `unknown placeholder: ${Exclude<PlaceholdersIn<V>, AllowedPlaceholdersOf<K>>}`
        : Within<PlaceholdersOf<K>, PlaceholdersIn<V>> extends false
          ? `missing placeholder: ${Exclude<PlaceholdersOf<K>, PlaceholdersIn<V>>}`
          : V
    : never
  : never;

/**
 * A translation, or any subset of one, checked at compile time: unknown keys, unknown placeholders
 * and missing placeholders are type errors. Returns its argument unchanged, for the `strings` property.
 *
 *   el.strings = defineStrings({ hint: 'Saisissez les {length} chiffres.' });
 */
export function defineStrings<const T extends Partial<Record<StringKey, string>>>(
  strings: T & { [K in keyof T]: Checked<K, T[K]> },
): Partial<MfaStrings> {
  return strings;
}

const PLACEHOLDER = /\{(\w+)\}/g;
const names = (text: string): string[] => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
const reported = new Set<string>();

/** Whether a translated text uses every placeholder its key requires, and only those it allows. */
export function fitsKey(key: StringKey, text: string): boolean {
  const required = names(DEFAULT_STRINGS[key]);
  const used = names(text);
  const allowed = key.startsWith('error') ? [...required, 'code'] : required;
  return required.every((name) => used.includes(name)) && used.every((name) => allowed.includes(name));
}

/**
 * The text for `key` from `strings` with its placeholders filled. A host's text whose placeholders
 * do not match the default's is reported once on the console, and the default text is used instead.
 */
export function format<K extends StringKey>(strings: Partial<MfaStrings>, key: K, values?: StringValues<K>): string {
  let template: string = DEFAULT_STRINGS[key];
  const own = strings[key];
  if (typeof own === 'string') {
    if (fitsKey(key, own)) template = own;
    else if (!reported.has(own)) {
      reported.add(own);
      console.warn(`<mfa-otp-flow>: strings.${key} needs the placeholders of "${template}"; showing that instead.`);
    }
  }
  const filled = values as Record<string, string | number> | undefined;
  return template.replace(PLACEHOLDER, (whole, name: string) => (filled && name in filled ? String(filled[name]) : whole));
}

/** A host's override reduced to known keys with string values. */
export function cleanStrings(override: unknown): Partial<MfaStrings> {
  const clean: Partial<Record<StringKey, string>> = {};
  if (override && typeof override === 'object') {
    for (const key of Object.keys(DEFAULT_STRINGS) as StringKey[]) {
      const value = Object.hasOwn(override, key) ? (override as Record<string, unknown>)[key] : undefined;
      if (typeof value === 'string') clean[key] = value;
    }
  }
  return clean;
}
