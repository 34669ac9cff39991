// The element's error value: the contract's mfa-error detail plus the customer-facing text. Errors
// made before any answer came back live here; those made from an answer, in api-errors.ts (which
// loads with the after-answer chunk).
import type { ApiError, ErrorKind } from '../api/types.js';
import type { ErrorStep, MfaErrorDetail } from '../events.js';
import { format, type ActiveStrings, type StringKey } from '../strings.js';

export type FlowErrorKind = MfaErrorDetail['kind'];

/** The flow's error: what mfa-error carries, plus the developer detail kept out of the message. */
export interface FlowError extends MfaErrorDetail {
  /** Developer-facing detail (vendor message, config problem). Shown only where it helps integrators. */
  detail: string;
}

/**
 * Fills the customer's text for a message key from the host's strings, with {code} and {detail};
 * `fallback` is the default text of a key the first chunk does not carry (an API error's).
 */
export type Describe = (key: StringKey, code: MfaErrorDetail['code'], detail: string, fallback?: string) => string;

export const describeWith =
  (strings: ActiveStrings): Describe =>
  (key, code, detail, fallback = '') =>
    format(strings[key] ?? fallback, { code, detail });

export function configError(problem: string, strings: ActiveStrings): FlowError {
  return localError('config', 'config', false, describeWith(strings)('errorConfig', 'config', problem), problem);
}

/**
 * A call whose answer could not be read because the after-answer chunk did not load (offline, a
 * dropped connection): as retryable as any network failure, and the next try fetches the chunk again.
 */
export function unloadedError({ step, message: detail }: ApiError, strings: ActiveStrings, offline: boolean): FlowError {
  const kind = offline ? 'offline' : 'network';
  return localError(step, kind, true, describeWith(strings)(offline ? 'errorOffline' : 'errorNetwork', kind, detail), detail);
}

/** An error found here rather than reported by the API: its kind is its code. */
function localError(
  step: FlowError['step'],
  kind: 'config' | 'network' | 'offline',
  retryable: boolean,
  message: string,
  detail: string,
): FlowError {
  return { step, code: kind, kind, retryable, message, detail };
}

/** The event detail: the FlowError without the developer-only field. */
export function toDetail({ detail: _detail, ...rest }: FlowError): MfaErrorDetail {
  return rest;
}

export type { ErrorKind, ErrorStep };
