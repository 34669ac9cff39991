// What the element shows for a flow state, as data: which text (a string key and its values), which
// controls, which of them are enabled. Pure: no DOM, no lit, no strings. The component renders it;
// test/unit/view.test.ts checks it without a browser.
import type { IdentifierType } from '../api/types.js';
import type { FlowErrorKind, FlowError } from '../flow/flow-error.js';
import { canResend, canVerify, errorOf, recoveryFor, resendAtOf, type FlowState, type Recovery } from '../flow/machine.js';
import type { PlaceholdersOf, StringKey, StringValues } from '../strings/strings.js';

/** A text to show: a string key and the values of its placeholders, typed per key. */
export type Text = { [K in StringKey]: { key: K; values: StringValues<K> } }[StringKey];

export function text<K extends StringKey>(key: K, ...values: [PlaceholdersOf<K>] extends [never] ? [] : [StringValues<K>]): Text {
  return { key, values: values[0] ?? {} } as Text;
}

/** The one table from an error's kind to the text the customer reads. */
export const ERROR_TEXT: Readonly<Record<FlowErrorKind, StringKey>> = {
  config: 'errorConfig',
  offline: 'errorOffline',
  'rate-limited': 'errorRateLimited',
  'session-expired': 'errorSessionExpired',
  'code-expired': 'errorCodeExpired',
  'invalid-code': 'errorInvalidCode',
  'attempts-exhausted': 'errorAttemptsExhausted',
  'reauth-required': 'errorReauth',
  'bad-input': 'errorIntegration',
  'integration-mismatch': 'errorIntegration',
  server: 'errorServer',
  network: 'errorNetwork',
  timeout: 'errorTimeout',
  aborted: 'errorNetwork',
  'invalid-response': 'errorInvalidResponse',
};

export function errorText(error: FlowError): Text {
  return { key: ERROR_TEXT[error.kind], values: { code: String(error.code), detail: error.detail } } as Text;
}

export interface ViewInput {
  state: FlowState;
  now: number;
  offline: boolean;
  mode: 'verify' | 'send';
  /** The code length in use (the checked input once the flow started). */
  otpLength: number;
  /** The masked identifier, or '' before the flow started. */
  destination: string;
  /** Whether the device ID is known (a first visit shows "Preparing" while it is worked out). */
  deviceIdKnown: boolean;
  /** A local message about the typed code (not an mfa-error), or null. */
  hint: Text | null;
}

export interface View {
  status: { text: Text; busy: boolean; verified: boolean } | null;
  field: { readonly: boolean; invalid: boolean; submitDisabled: boolean; hint: Text } | null;
  alert: { text: Text; /** for integration errors, the code and the vendor's words */ developer: string | null } | null;
  recovery: { action: Exclude<Recovery, 'resend' | null>; label: Text; disabled: boolean } | null;
  resend: { label: Text; disabled: boolean; secondsLeft: number } | null;
}

/** Whole seconds left before a new code may be requested (0 when resend is open). */
export function secondsLeft(state: FlowState, now: number): number {
  const resendAt = resendAtOf(state);
  return resendAt === null ? 0 : Math.max(0, Math.ceil((resendAt - now) / 1000));
}

export function viewOf(input: ViewInput): View {
  const { state, offline, mode } = input;
  const error = errorOf(state);
  const left = secondsLeft(state, input.now);
  const showField = mode !== 'send' && (state.status === 'verifying' || canVerify(state));
  return {
    status: statusOf(input),
    field: showField
      ? {
          readonly: state.status === 'verifying',
          invalid: error !== null || input.hint !== null,
          submitDisabled: offline || state.status === 'verifying',
          hint: text('hint', { length: input.otpLength }),
        }
      : null,
    alert: alertOf(error, input.hint),
    recovery: recoveryOf(state, offline),
    resend: resendOf(state, input.now, offline, left),
  };
}

function statusOf(input: ViewInput): View['status'] {
  const { state, destination } = input;
  const busy = (t: Text) => ({ text: t, busy: true, verified: false });
  if (input.offline) return { text: text('offline'), busy: false, verified: false };
  switch (state.status) {
    case 'starting':
      // "Preparing" only while the device ID is still being worked out (fingerprinting, on a first
      // visit); once it is known the code is on its way, and opening the session and sending the
      // code read as one step, with no change of text (or of layout) between them.
      return busy(input.deviceIdKnown ? text('sending', { destination }) : text('starting'));
    case 'sending':
      return busy(text('sending', { destination }));
    case 'code-sent':
      return { text: text('codeSent', { destination }), busy: false, verified: false };
    case 'verifying':
      return busy(text('verifying'));
    case 'verified':
      return { text: text('verified'), busy: false, verified: true };
    default:
      return null;
  }
}

function alertOf(error: FlowError | null, hint: Text | null): View['alert'] {
  if (hint) return { text: hint, developer: null };
  if (!error) return null;
  // Integration problems also show the vendor's code and words: the developer is the reader.
  const developer = error.kind === 'integration-mismatch' || error.kind === 'bad-input' ? `${error.code}: ${error.detail}` : null;
  return { text: errorText(error), developer };
}

function recoveryOf(state: FlowState, offline: boolean): View['recovery'] {
  const action = recoveryFor(state);
  if (!action || action === 'resend') return null;
  return { action, label: action === 'reopen' ? text('sendNew') : text('retry'), disabled: offline };
}

function resendOf(state: FlowState, now: number, offline: boolean, left: number): View['resend'] {
  const shown =
    state.status === 'code-sent' ||
    state.status === 'verifying' ||
    (state.status === 'error' && (recoveryFor(state) === 'resend' || canVerify(state)));
  if (!shown) return null;
  const label =
    state.status === 'error' && state.sent === 0
      ? text('send')
      : state.status === 'error' && state.error.kind === 'code-expired'
        ? text('sendNew')
        : text('resend');
  // Closed during the cooldown too.
  return { label, disabled: offline || !canResend(state, now), secondsLeft: left };
}

/** What the customer sees of their identifier: enough to recognise it, not enough to read it off a screen. */
export function maskIdentifier(type: IdentifierType, value: string): string {
  if (type === 'MOBILE') return `••••${value.slice(-4)}`;
  if (type === 'EMAIL') {
    const at = value.lastIndexOf('@');
    return `${value.slice(0, 1)}•••${value.slice(at)}`;
  }
  return value.length <= 2 ? '••' : `${value.slice(0, 2)}•••`;
}
