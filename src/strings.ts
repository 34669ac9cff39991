// Every visible string, in one place. Hosts override any subset through the `strings` property;
// `{name}` placeholders are filled by `format()`. Strings (not functions) so a translation can be
// plain JSON and set from any framework.

export const DEFAULT_STRINGS = {
  title: 'Verify it’s you',
  label: 'Verification code',
  hint: 'Enter the {length}-digit code.',
  submit: 'Verify',
  resend: 'Resend code',
  send: 'Send code',
  sendNew: 'Send a new code',
  retry: 'Try again',
  resendIn: 'You can request a new code in',
  seconds: 's',
  starting: 'Preparing verification…',
  sending: 'Sending a code to {destination}…',
  codeSent: 'Code sent to {destination}.',
  sendingSoon: 'A code was sent to {destination} moments ago. A new one goes out when the timer ends.',
  verifying: 'Verifying…',
  verified: 'Verified. You’re signed in.',
  offline: 'You’re offline. Reconnect to continue.',
  incomplete: 'Enter all {length} digits of the code.',
  // Errors, one per kind (see errorMessageKey in flow/errors.ts).
  errorConfig: 'This sign-in step is not set up correctly: {detail}',
  errorRateLimited: 'Too many codes were requested. Please wait before asking for another one.',
  errorSessionExpired: 'Your verification session expired. Send a new code to continue.',
  errorCodeExpired: 'That code is no longer valid. Request a new one.',
  errorInvalidCode: 'That code isn’t right. Check it and try again.',
  errorAttemptsExhausted: 'Too many wrong codes. Please sign in again.',
  errorReauth: 'Your sign-in has expired. Please sign in again.',
  errorIntegration: 'Verification can’t continue because of a problem on this site (error {code}).',
  errorServer: 'The verification service is having trouble. Please try again.',
  errorNetwork: 'We couldn’t reach the verification service. Check your connection and try again.',
  errorTimeout: 'The verification service took too long to answer. Please try again.',
  errorOffline: 'You’re offline. Reconnect, then try again.',
  errorInvalidResponse: 'The verification service sent an unexpected answer. Please try again.',
};

export type MfaStrings = typeof DEFAULT_STRINGS;
export type StringKey = keyof MfaStrings;

/** Fills `{name}` placeholders; unknown placeholders are left as they are, so a typo shows up. */
export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** Merges a host's partial override over the defaults, ignoring non-string values. */
export function mergeStrings(override: Partial<MfaStrings> | null | undefined): MfaStrings {
  const merged = { ...DEFAULT_STRINGS };
  if (override && typeof override === 'object') {
    for (const key of Object.keys(DEFAULT_STRINGS) as StringKey[]) {
      const value = override[key];
      if (typeof value === 'string') merged[key] = value;
    }
  }
  return merged;
}
