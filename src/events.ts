// The element's events: typed details, one factory each, declared in HTMLElementEventMap.
// All bubble and are composed so a page can listen on any ancestor, through shadow roots.
import type { ErrorKind, MfaUser } from './api/types.js';

export type FlowStatus =
  | 'idle'
  | 'starting'
  | 'sending'
  | 'code-sent'
  | 'verifying'
  | 'verified'
  | 'error';

export type ErrorStep = 'config' | 'device' | 'token' | 'otp' | 'verify';
export type ErrorCode = number | 'network' | 'timeout' | 'invalid-response' | 'config' | 'offline';

export interface MfaStateChangeDetail {
  state: FlowStatus;
  previousState: FlowStatus;
}

export interface MfaOtpSentDetail {
  sessionId: string;
  deviceId: string;
  /** 1 for the first send, 2 for the first resend… */
  attempt: number;
  /** Epoch milliseconds when resend becomes available. */
  resendAvailableAt: number;
}

export interface MfaVerifiedDetail {
  token: string;
  key: string | null;
  sessionId: string;
  deviceId: string;
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
  kind: ErrorKind | 'config' | 'offline';
  /** Epoch ms before which the server will refuse a new code (rate limit), when known. */
  retryAt?: number;
}

export interface MfaEventMap {
  'mfa-state-change': CustomEvent<MfaStateChangeDetail>;
  'mfa-otp-sent': CustomEvent<MfaOtpSentDetail>;
  'mfa-verified': CustomEvent<MfaVerifiedDetail>;
  'mfa-error': CustomEvent<MfaErrorDetail>;
}

export type MfaEventName = keyof MfaEventMap;
type DetailOf<K extends MfaEventName> = MfaEventMap[K] extends CustomEvent<infer D> ? D : never;

export function mfaEvent<K extends MfaEventName>(name: K, detail: DetailOf<K>): MfaEventMap[K] {
  return new CustomEvent(name, { detail, bubbles: true, composed: true }) as MfaEventMap[K];
}

declare global {
  interface HTMLElementEventMap extends MfaEventMap {}
}
