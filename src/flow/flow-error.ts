// The flow's error value: what went wrong, as data. No customer text here: the element turns `kind`
// into words at render time (ERROR_TEXT in element/view.ts), so a change of language or of `strings` shows
// at once, also on an error already on screen.
import type { ApiError, ErrorKind } from '../api/types.js';

export type ErrorStep = 'config' | 'device' | 'token' | 'otp' | 'verify';
export type ErrorCode = number | 'network' | 'timeout' | 'invalid-response' | 'config' | 'offline';
export type FlowErrorKind = ErrorKind | 'config' | 'offline';

export interface FlowError {
  step: ErrorStep;
  /** The API's status code when it sent one, else the HTTP status, else a transport code. */
  code: ErrorCode;
  kind: FlowErrorKind;
  retryable: boolean;
  httpStatus?: number;
  /** Epoch ms before which the server will refuse a new code (rate limit), when known. */
  retryAt?: number;
  /** For the developer: the vendor's message, or what is wrong with the inputs. Never shown as the main text. */
  detail: string;
}

/** A Retry-After is honoured up to an hour; a larger one (or a far HTTP date) counts as an hour. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Inputs that cannot work: nothing was sent. */
export function configError(problem: string): FlowError {
  return { step: 'config', code: 'config', kind: 'config', retryable: false, detail: problem };
}

/** The client's ApiError as the flow reports it. */
export function fromApiError(error: ApiError, offline: boolean, now: number): FlowError {
  // A request that failed at the transport level while the browser reports no network is
  // "offline": the customer has something to fix on their side, and we can say so.
  const isTransport = error.kind === 'network' || error.kind === 'timeout';
  const kind: FlowErrorKind = isTransport && offline ? 'offline' : error.kind;
  const code = kind === 'offline' ? 'offline' : error.code === 'aborted' ? 'network' : error.code;
  const result: FlowError = { step: error.step, code, kind, retryable: error.retryable, detail: error.message };
  if (error.httpStatus !== undefined) result.httpStatus = error.httpStatus;
  if (error.retryAfterMs !== undefined) result.retryAt = now + Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS);
  return result;
}
