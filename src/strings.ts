// Every visible string, in two groups. Hosts override any subset of either through the `strings`
// property; `{name}` placeholders are filled by `format()`. Strings (not functions) so a translation
// can be plain JSON and set from any framework. This group is what the element can show before any
// answer came back; the texts of the errors an answer reports are in api-error-strings.ts, which
// loads with the after-answer chunk. DEFAULT_STRINGS (default-strings.ts) is both.
import type { ApiErrorStrings } from './api-error-strings.js';

export const FIRST_STRINGS = {
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
  // Errors found before any answer: bad inputs, and an after-answer chunk that did not load.
  errorConfig: 'This sign-in step is not set up correctly: {detail}',
  errorNetwork: 'We couldn’t reach the verification service. Check your connection and try again.',
  errorOffline: 'You’re offline. Reconnect, then try again.',
};

export type MfaStrings = typeof FIRST_STRINGS & ApiErrorStrings;
export type StringKey = keyof MfaStrings;
/** The strings in use: the first group always, an API error's text where the host set one. */
export type ActiveStrings = typeof FIRST_STRINGS & Partial<ApiErrorStrings>;

/** Fills `{name}` placeholders; unknown placeholders are left as they are, so a typo shows up. */
export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/**
 * Merges a host's partial override over the first group, ignoring non-string values. Any string
 * key is taken, since the API error texts are not known here; keys that name no string are never read.
 */
export function mergeStrings(override: Partial<MfaStrings> | null | undefined): ActiveStrings {
  const merged: Record<string, string> = { ...FIRST_STRINGS };
  if (override && typeof override === 'object') {
    for (const [key, value] of Object.entries(override)) if (typeof value === 'string') merged[key] = value;
  }
  return merged as ActiveStrings;
}
