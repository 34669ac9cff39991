// Turns client errors and local problems into the element's error value: the contract's
// mfa-error detail plus the customer-facing text, looked up from one table.
import type { ApiError, ErrorKind } from '../api/types.js';
import type { ErrorStep, MfaErrorDetail } from '../events.js';
import { format, type MfaStrings, type StringKey } from '../strings.js';

export type FlowErrorKind = MfaErrorDetail['kind'];

const MESSAGE_FOR_KIND: Record<FlowErrorKind, StringKey> = {
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

/** The flow's error: what mfa-error carries, plus the developer detail kept out of the message. */
export interface FlowError extends MfaErrorDetail {
  /** Developer-facing detail (vendor message, config problem). Shown only where it helps integrators. */
  detail: string;
}

export function customerMessage(
  strings: MfaStrings,
  kind: FlowErrorKind,
  code: MfaErrorDetail['code'],
  detail: string,
): string {
  return format(strings[MESSAGE_FOR_KIND[kind]], { code, detail });
}

export function fromApiError(
  error: ApiError,
  strings: MfaStrings,
  offline: boolean,
  now: number,
): FlowError {
  // A request that failed at the transport level while the browser reports no network is
  // "offline": the customer has something to fix on their side, and we can say so.
  const isTransport = error.kind === 'network' || error.kind === 'timeout';
  const kind: FlowErrorKind = isTransport && offline ? 'offline' : error.kind;
  const code = kind === 'offline' ? 'offline' : error.code === 'aborted' ? 'network' : error.code;
  const result: FlowError = {
    step: error.step,
    code,
    kind,
    retryable: error.retryable,
    message: customerMessage(strings, kind, code, error.message),
    detail: error.message,
  };
  if (error.httpStatus !== undefined) result.httpStatus = error.httpStatus;
  if (error.retryAfterMs !== undefined) result.retryAt = now + error.retryAfterMs;
  return result;
}

export function configError(problem: string, strings: MfaStrings): FlowError {
  return {
    step: 'config',
    code: 'config',
    kind: 'config',
    retryable: false,
    message: customerMessage(strings, 'config', 'config', problem),
    detail: problem,
  };
}

/** The event detail: the FlowError without the developer-only field. */
export function toDetail({ detail: _detail, ...rest }: FlowError): MfaErrorDetail {
  return rest;
}

export type { ErrorKind, ErrorStep };
