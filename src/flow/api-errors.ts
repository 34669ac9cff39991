// Turns the client's ApiError into the element's error value, choosing the customer-facing text
// from one table. Used only once an answer came back, so it loads with the after-answer chunk, with
// the default texts of those errors; the text itself is filled by the caller's `describe` (the
// host's strings live in the first chunk, and importing them here would put them in a chunk of
// their own).
import type { ApiError } from '../api/types.js';
import { API_ERROR_STRINGS } from '../api-error-strings.js';
import type { StringKey } from '../strings.js';
import type { Describe, FlowError, FlowErrorKind } from './errors.js';

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

export function fromApiError(
  error: ApiError,
  describe: Describe,
  offline: boolean,
  now: number,
): FlowError {
  // A request that failed at the transport level while the browser reports no network is
  // "offline": the customer has something to fix on their side, and we can say so.
  const isTransport = error.kind === 'network' || error.kind === 'timeout';
  const kind: FlowErrorKind = isTransport && offline ? 'offline' : error.kind;
  const code = kind === 'offline' ? 'offline' : error.code === 'aborted' ? 'network' : error.code;
  const messageKey = MESSAGE_FOR_KIND[kind];
  const result: FlowError = {
    step: error.step,
    code,
    kind,
    retryable: error.retryable,
    message: describe(messageKey, code, error.message, API_ERROR_STRINGS[messageKey as keyof typeof API_ERROR_STRINGS]),
    detail: error.message,
  };
  if (error.httpStatus !== undefined) result.httpStatus = error.httpStatus;
  if (error.retryAfterMs !== undefined) result.retryAt = now + error.retryAfterMs;
  return result;
}

