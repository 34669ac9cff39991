// The flow as a pure state machine: one discriminated union, one reducer, a few guards.
// No I/O, no timers, no DOM; the controller (controller.ts) does those and feeds events in.
import type { AuthSuccess, Identity } from '../api/types.js';
import type { FlowError, FlowErrorKind } from './flow-error.js';

export interface Session {
  sessionId: string;
  deviceId: string;
  identity: Identity;
  /** Epoch ms when token/generate opened it (the vendor keeps it 15 minutes). */
  openedAt: number;
}

/**
 * `sent` counts the codes sent in this session (the next send is attempt `sent + 1`).
 * `resendAt` is the epoch-ms deadline before which a new code may not be requested.
 */
export type FlowStatus = FlowState['status'];

export type FlowState =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'sending'; session: Session; sent: number; resendAt: number | null }
  | { status: 'code-sent'; session: Session; sent: number; resendAt: number; error: FlowError | null }
  | { status: 'verifying'; session: Session; sent: number; resendAt: number }
  | { status: 'verified'; session: Session; sent: number; result: AuthSuccess }
  | {
      status: 'error';
      error: FlowError;
      session: Session | null;
      sent: number;
      resendAt: number | null;
    };

export type FlowEvent =
  | { type: 'start' }
  /** token generate succeeded. */
  | { type: 'opened'; session: Session }
  /**
   * A live session of this customer's, opened earlier in this browser (before a reload, in another
   * element or tab), is taken up instead of sending a new code: from `starting` (nothing was sent)
   * or `sending` (another tab sent the code first).
   */
  | { type: 'resumed'; session: Session; sent: number; resendAt: number }
  | { type: 'send' }
  | { type: 'sent'; resendAt: number }
  | { type: 'verify' }
  | { type: 'verified'; result: AuthSuccess }
  | { type: 'failed'; error: FlowError; fallbackResendAt: number }
  | { type: 'reset' }
  /** The customer gave up (the element's cancel control): back to idle, except once verified. */
  | { type: 'cancel' }
  /** The element left the document mid-request: fall back to the last state that needs no request. */
  | { type: 'interrupted' };

export const IDLE: FlowState = { status: 'idle' };

/** Kinds after which neither a new code nor a verify in this session can help. */
const SESSION_OVER: ReadonlySet<FlowErrorKind> = new Set<FlowErrorKind>([
  'config',
  'session-expired',
  'attempts-exhausted',
  'reauth-required',
  'integration-mismatch',
  'bad-input',
]);

export function resendAtOf(state: FlowState): number | null {
  return 'resendAt' in state ? state.resendAt : null;
}

export function sessionOf(state: FlowState): Session | null {
  return 'session' in state ? state.session : null;
}

export function sessionUsable(state: FlowState): boolean {
  if (state.status === 'error') return state.session !== null && !SESSION_OVER.has(state.error.kind);
  return state.status === 'code-sent';
}

export function canStart(state: FlowState): boolean {
  if (state.status === 'idle') return true;
  // From an error only where a new chain can help: not a dead first factor or a mid-chain mismatch.
  // A config error may start again: the inputs are checked anew, so a fixed page just works.
  return (
    state.status === 'error' &&
    !['attempts-exhausted', 'reauth-required', 'integration-mismatch'].includes(state.error.kind) &&
    (state.session === null || state.error.kind === 'session-expired')
  );
}

export function canResend(state: FlowState, now: number): boolean {
  if (!sessionUsable(state)) return false;
  const resendAt = resendAtOf(state);
  return resendAt === null || now >= resendAt;
}

/** A code may be checked once one exists for the session. */
export function canVerify(state: FlowState): boolean {
  if (!sessionUsable(state)) return false;
  return state.status === 'code-sent' || (state.status === 'error' && state.sent > 0);
}

export function transition(state: FlowState, event: FlowEvent): FlowState {
  switch (event.type) {
    case 'reset':
      return IDLE;
    case 'cancel':
      return state.status === 'verified' ? state : IDLE;
    case 'start':
      return canStart(state) ? { status: 'starting' } : state;
    case 'opened':
      if (state.status !== 'starting') return state;
      return { status: 'sending', session: event.session, sent: 0, resendAt: null };
    case 'resumed':
      if (state.status !== 'starting' && state.status !== 'sending') return state;
      return { status: 'code-sent', session: event.session, sent: event.sent, resendAt: event.resendAt, error: null };
    case 'send':
      if (state.status !== 'code-sent' && state.status !== 'error') return state;
      if (!state.session) return state;
      return { status: 'sending', session: state.session, sent: state.sent, resendAt: state.resendAt };
    case 'sent':
      if (state.status !== 'sending') return state;
      return {
        status: 'code-sent',
        session: state.session,
        sent: state.sent + 1,
        resendAt: event.resendAt,
        error: null,
      };
    case 'verify':
      if (state.status !== 'code-sent' && state.status !== 'error') return state;
      if (!canVerify(state) || !state.session) return state;
      return { status: 'verifying', session: state.session, sent: state.sent, resendAt: state.resendAt ?? 0 };
    case 'verified':
      if (state.status !== 'verifying') return state;
      return { status: 'verified', session: state.session, sent: state.sent, result: event.result };
    case 'failed':
      return fail(state, event.error, event.fallbackResendAt);
    case 'interrupted':
      return interrupt(state);
  }
}

function fail(state: FlowState, error: FlowError, fallbackResendAt: number): FlowState {
  const session = sessionOf(state);
  const sent = 'sent' in state ? state.sent : 0;
  let resendAt = resendAtOf(state);
  // The server refused a new code: resend stays closed until it says (Retry-After) or we guess.
  if (error.kind === 'rate-limited') resendAt = error.retryAt ?? Math.max(resendAt ?? 0, fallbackResendAt);
  // A mistyped code leaves everything else as it was: the customer simply types again.
  if (error.kind === 'invalid-code' && state.status === 'verifying') {
    return { status: 'code-sent', session: state.session, sent, resendAt: state.resendAt, error };
  }
  return { status: 'error', error, session, sent, resendAt };
}

function interrupt(state: FlowState): FlowState {
  switch (state.status) {
    case 'starting':
      return IDLE;
    case 'sending':
      return state.sent > 0
        ? { status: 'code-sent', session: state.session, sent: state.sent, resendAt: state.resendAt ?? 0, error: null }
        : IDLE;
    case 'verifying':
      return { status: 'code-sent', session: state.session, sent: state.sent, resendAt: state.resendAt, error: null };
    default:
      return state;
  }
}

export function errorOf(state: FlowState): FlowError | null {
  if (state.status === 'error') return state.error;
  if (state.status === 'code-sent') return state.error;
  return null;
}

/** Whether only a new first-factor sign-in can help (the session and the first factor are spent). */
export function needsNewSignIn(state: FlowState): boolean {
  return state.status === 'error' && (state.error.kind === 'attempts-exhausted' || state.error.kind === 'reauth-required');
}

/** What the single recovery button should do for the current error, if anything. */
export type Recovery = 'retry-start' | 'retry-send' | 'retry-verify' | 'reopen' | 'resend' | null;

export function recoveryFor(state: FlowState): Recovery {
  if (state.status !== 'error') return null;
  const { error } = state;
  if (error.kind === 'session-expired') return 'reopen';
  if (error.kind === 'code-expired' || error.kind === 'rate-limited') return 'resend';
  if (!error.retryable) return null;
  if (error.step === 'token' || error.step === 'device') return 'retry-start';
  if (error.step === 'otp') return 'retry-send';
  if (error.step === 'verify') return 'retry-verify';
  return null;
}
