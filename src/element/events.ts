// The element's events: typed details, one factory, declared in HTMLElementEventMap. All bubble and
// are composed, so a page can listen on any ancestor, through shadow roots.
import type { MfaUser } from '../api/types.js';
import type { OtpSent, Verified } from '../flow/controller.js';
import type { ErrorCode, ErrorStep, FlowErrorKind } from '../flow/flow-error.js';
import type { FlowStatus } from '../flow/machine.js';

export type { ErrorCode, ErrorStep, FlowStatus };

export interface MfaStateChangeDetail {
  state: FlowStatus;
  previousState: FlowStatus;
}

/** `attempt`: 1 for the first send, 2 for the first resend…; `resendAvailableAt`: epoch ms. */
export type MfaOtpSentDetail = OtpSent;

/** A live session taken up instead of sending a code: `attempt` as last sent, `resendAvailableAt` its deadline. */
export type MfaResumedDetail = OtpSent;

/** The validate answer: the customer's `token` and `key`, with the session it closed. */
export interface MfaVerifiedDetail extends Verified {
  user: MfaUser;
}

export interface MfaErrorDetail {
  step: ErrorStep;
  /** The API's status code when it sent one, else the HTTP status, else a transport code. */
  code: ErrorCode;
  /** Customer-facing text, as shown in the element. */
  message: string;
  retryable: boolean;
  httpStatus?: number;
  /** Category the host can branch on (extension of the contract). */
  kind: FlowErrorKind;
  /** Epoch ms before which the server will refuse a new code (rate limit), when known. */
  retryAt?: number;
  /** For the developer: the vendor's own message, or what is wrong with the inputs. */
  detail: string;
}

/**
 * The customer pressed `[part~=cancel]`: `"user"` when they chose to leave, `"restart"` when the flow
 * had ended in an error that only a new sign-in can fix (too many wrong codes, an expired first factor).
 */
export interface MfaCancelDetail {
  reason: 'user' | 'restart';
}

export interface MfaEventMap {
  'mfa-state-change': CustomEvent<MfaStateChangeDetail>;
  'mfa-otp-sent': CustomEvent<MfaOtpSentDetail>;
  'mfa-verified': CustomEvent<MfaVerifiedDetail>;
  'mfa-error': CustomEvent<MfaErrorDetail>;
  'mfa-resumed': CustomEvent<MfaResumedDetail>;
  'mfa-cancel': CustomEvent<MfaCancelDetail>;
}

export type MfaEventName = keyof MfaEventMap;
type DetailOf<K extends MfaEventName> = MfaEventMap[K] extends CustomEvent<infer D> ? D : never;

export function mfaEvent<K extends MfaEventName>(name: K, detail: DetailOf<K>): MfaEventMap[K] {
  return new CustomEvent(name, { detail, bubbles: true, composed: true }) as MfaEventMap[K];
}

declare global {
  interface HTMLElementEventMap extends MfaEventMap {}
}
