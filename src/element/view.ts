// What the element shows for a flow state, as data: which text (a string key and its values), which
// controls, which of them are enabled. Pure: no DOM, no lit, no strings. The component renders it;
// test/unit/view.test.ts checks it in Node, without a browser.
import type { IdentifierType } from '../api/types.js';
import type { FlowErrorKind, FlowError } from '../flow/flow-error.js';
import { canResend, canVerify, errorOf, needsNewSignIn, recoveryFor, resendAtOf, type FlowState, type Recovery } from '../flow/machine.js';
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
  /** Whether the page offers the customer a way out (the `cancelable` attribute). */
  cancelable: boolean;
}

export type CancelReason = 'user' | 'restart';

export interface View {
  status: { text: Text; busy: boolean; verified: boolean } | null;
  /** Said once by the status region, not shown (the controls already show it): resend is open again. */
  announce: Text | null;
  field: {
    readonly: boolean;
    /** Only a problem with the code itself marks the field (red border, aria-invalid). */
    invalid: boolean;
    submitDisabled: boolean;
    /** Whether typing the last digit submits by itself (never offline: nothing could be sent). */
    autoSubmit: boolean;
    hint: Text;
  } | null;
  alert: { text: Text } | null;
  recovery: { action: Exclude<Recovery, 'resend' | null>; label: Text; disabled: boolean } | null;
  resend: {
    /** What the button offers (resend, send, send a new code). */
    name: Text;
    /** What the button shows: its name, or "Resend in 0:28" during the cooldown. */
    label: Text;
    /** "Didn't get a code?" beside the button, when it offers another code. */
    prompt: Text | null;
    /** During the cooldown: the screen reader's description of the wait, with `{seconds}`. */
    wait: Text | null;
    disabled: boolean;
    secondsLeft: number;
  } | null;
  cancel: { label: Text; reason: CancelReason } | null;
}

/** Whole seconds left before a new code may be requested (0 when resend is open). */
export function secondsLeft(state: FlowState, now: number): number {
  const resendAt = resendAtOf(state);
  return resendAt === null ? 0 : Math.max(0, Math.ceil((resendAt - now) / 1000));
}

/** Seconds as m:ss (28 → "0:28", 75 → "1:15"), the way countdowns read in sign-in forms. */
export function clockText(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function viewOf(input: ViewInput): View {
  const { state, offline, mode } = input;
  const error = errorOf(state);
  const left = secondsLeft(state, input.now);
  // While a new code is on its way the field stays where it was (read-only), so nothing jumps and
  // focus stays in it.
  const resending = state.status === 'sending' && state.sent > 0;
  const showField = mode !== 'send' && (state.status === 'verifying' || resending || canVerify(state));
  const resend = resendOf(state, input.now, offline, left);
  return {
    status: statusOf(input),
    announce: announceOf(state, resend),
    field: showField
      ? {
          readonly: state.status === 'verifying' || resending,
          invalid: input.hint !== null || (error !== null && CODE_ERRORS.has(error.kind)),
          submitDisabled: offline || state.status === 'verifying' || resending,
          autoSubmit: !offline,
          hint: text('hint', { length: input.otpLength }),
        }
      : null,
    alert: alertOf(error, input.hint),
    recovery: recoveryOf(state, offline),
    resend,
    cancel: input.cancelable && state.status !== 'verified' ? cancelOf(state) : null,
  };
}

/** Errors about the code the customer typed: the only ones that mark the field invalid. */
const CODE_ERRORS: ReadonlySet<FlowErrorKind> = new Set<FlowErrorKind>(['invalid-code', 'code-expired']);

function statusOf(input: ViewInput): View['status'] {
  const { state, destination } = input;
  const plain = (t: Text) => ({ text: t, busy: false, verified: false });
  const busy = (t: Text) => ({ text: t, busy: true, verified: false });
  if (input.offline && state.status !== 'verified') return plain(text('offline'));
  switch (state.status) {
    case 'idle':
      // Until the page sets authorizedToken (or calls start()), say so instead of showing nothing.
      return plain(text('waiting'));
    case 'starting':
      // "Preparing" only while the device ID is still being worked out (fingerprinting, on a first
      // visit); once it is known the code is on its way, and opening the session and sending the
      // code read as one step, with no change of text (or of layout) between them.
      return busy(input.deviceIdKnown ? text('sending', { destination }) : text('starting'));
    case 'sending':
      if (state.sent > 0) return busy(text('resending', { destination }));
      return busy(text('sending', { destination }));
    case 'code-sent':
      // A resend says "New code", so that the change is seen and announced.
      return plain(state.sent > 1 ? text('codeResent', { destination }) : text('codeSent', { destination }));
    case 'verifying':
      return busy(text('verifying'));
    case 'verified':
      return { text: text('verified'), busy: false, verified: true };
    case 'error':
      // The code already sent still works (a refused resend, a failed verify): the line that says
      // where it went stays, so nothing jumps; the alert says what went wrong.
      if (canVerify(state)) return plain(state.sent > 1 ? text('codeResent', { destination }) : text('codeSent', { destination }));
      return null;
  }
}

function announceOf(state: FlowState, resend: View['resend']): Text | null {
  // Once, when a cooldown ends: the text appears in the status region and stays until the state
  // moves on, so it is said once (the countdown itself is never announced).
  if (!resend || resend.disabled || resendAtOf(state) === null) return null;
  const waited = state.status === 'code-sent' || (state.status === 'error' && state.error.kind === 'rate-limited');
  return waited ? text('resendReady') : null;
}

function alertOf(error: FlowError | null, hint: Text | null): View['alert'] {
  if (hint) return { text: hint };
  // Offline is said once, by the status line, and only while it lasts: back online, the customer
  // simply continues.
  if (!error || error.kind === 'offline') return null;
  // Integration problems show a plain sentence with the error code; the vendor's words go to the
  // page in the mfa-error detail, not to the customer.
  return { text: errorText(error) };
}

function recoveryOf(state: FlowState, offline: boolean): View['recovery'] {
  const action = recoveryFor(state);
  if (!action || action === 'resend') return null;
  // A verify cut off by going offline: the field and its Verify button are the way on.
  if (action === 'retry-verify' && state.status === 'error' && state.error.kind === 'offline') return null;
  return { action, label: action === 'reopen' ? text('sendNew') : text('retry'), disabled: offline };
}

function resendOf(state: FlowState, now: number, offline: boolean, left: number): View['resend'] {
  const shown =
    state.status === 'code-sent' ||
    state.status === 'verifying' ||
    (state.status === 'sending' && state.sent > 0) ||
    (state.status === 'error' && (recoveryFor(state) === 'resend' || canVerify(state)));
  if (!shown) return null;
  const name =
    state.status === 'error' && state.sent === 0
      ? text('send')
      : state.status === 'error' && state.error.kind === 'code-expired'
        ? text('sendNew')
        : text('resend');
  return {
    name,
    label: left > 0 ? text('resendIn', { time: clockText(left) }) : name,
    prompt: name.key === 'resend' ? text('resendPrompt') : null,
    wait: left > 0 ? text('resendWait', { seconds: left }) : null,
    // Closed during the cooldown, and while a code is on its way.
    disabled: offline || state.status === 'sending' || !canResend(state, now),
    secondsLeft: left,
  };
}

function cancelOf(state: FlowState): View['cancel'] {
  // After 1518 or an expired first factor only a new sign-in helps: say so on the way out.
  return needsNewSignIn(state) ? { label: text('restart'), reason: 'restart' } : { label: text('cancel'), reason: 'user' };
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
