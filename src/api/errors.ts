// How a failed call becomes an ApiError: one table for the vendor's codes, one function for bare HTTP
// statuses, one for transport outcomes. No DOM, no I/O.
import type { ApiError, ApiStep, ErrorKind, TransportCode } from './types.js';

interface CodeInfo {
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  /** Used when the vendor's answer carries no message. */
  readonly description: string;
}

const info = (kind: ErrorKind, retryable: boolean, description: string): CodeInfo => ({
  kind,
  retryable,
  description,
});

/**
 * Every status code Capillary documents for the auth APIs (shared/capillary-mfa-api.md). `retryable`
 * follows the element contract: true only when sending the same request again now may succeed.
 */
export const ERROR_CODES: Readonly<Record<number, CodeInfo>> = Object.freeze({
  429: info('rate-limited', false, 'OTP rate limit exceeded for this identifier'),
  1534: info('rate-limited', false, 'Maximum number of OTPs per customer reached'),
  1502: info('server', true, 'Unable to validate OTP'),
  1503: info('server', true, 'Unable to generate OTP'),
  1504: info('server', true, 'Unable to generate token'),
  606: info('server', true, 'Unable to generate OTP now'),
  874: info('server', true, 'Unable to generate OTP now'),
  875: info('server', true, 'Unable to generate OTP now'),
  1505: info('session-expired', false, 'Invalid session'),
  1506: info('invalid-code', true, 'Invalid OTP'),
  604: info('invalid-code', true, 'No OTP passed'),
  605: info('invalid-code', true, 'OTP invalid, expired or null'),
  876: info('invalid-code', true, 'OTP validation failed'),
  1537: info('code-expired', false, 'No OTP generated for these details'),
  9001: info('code-expired', false, 'No valid OTP found'),
  1518: info('attempts-exhausted', false, 'Maximum OTP attempts reached'),
  1515: info('reauth-required', false, 'User does not exist'),
  1525: info('reauth-required', false, 'Cannot regenerate token, authenticate again'),
  1529: info('reauth-required', false, 'Token has expired'),
  1507: info('integration-mismatch', false, 'Mobile number differs from the session'),
  1508: info('integration-mismatch', false, 'Device ID differs from the session'),
  1509: info('integration-mismatch', false, 'Brand differs from the session'),
  1541: info('integration-mismatch', false, 'Identifier differs from the session'),
  1519: info('bad-input', false, 'Invalid details passed'),
  1540: info('bad-input', false, 'Mobile or email required to send OTP'),
  1546: info('bad-input', false, 'Invalid identifierType'),
});

const TRANSPORT: Readonly<Record<TransportCode, CodeInfo>> = Object.freeze({
  network: info('network', true, 'The request did not reach the server or the connection broke'),
  timeout: info('timeout', true, 'The server did not answer in time'),
  // Nothing went wrong on the server's side: the caller gave up, and sending again may succeed.
  aborted: info('aborted', true, 'The request was aborted'),
  'invalid-response': info('invalid-response', true, 'The answer could not be read'),
});

const MAX_MESSAGE = 300;
// Three base64url segments: a JWT (the shape of every token in this chain).
const JWT_LIKE = /[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;

/**
 * Makes a vendor-supplied message safe to log or show to developers: a bounded single line, with
 * JWT-like strings and the given secrets (tokens, the typed code) blanked out. The vendor does not
 * promise what its messages contain, and a proxy's error page may echo the request.
 */
export function redact(message: string, secrets: readonly string[] = []): string {
  let text = message.replace(/\s+/g, ' ').trim().slice(0, MAX_MESSAGE * 2);
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length >= 4) text = text.split(secret).join('[redacted]');
  }
  return text.replace(JWT_LIKE, '[redacted]').slice(0, MAX_MESSAGE);
}

function pickMessage(message: string | undefined, fallback: string): string {
  const text = typeof message === 'string' ? redact(message) : '';
  return text || fallback;
}

/**
 * Kind and retryability of an HTTP status that came without a readable API code.
 * - 5xx: the server (or a proxy in front of it) failed; retrying may succeed.
 * - 429: rate limited; the customer must wait (the same rule as the API's own 429 code).
 * - 408: the server gave up waiting, which is a timeout.
 * - 401/403: the proxy or host refuses the caller (its own session or credentials, not the MFA
 *   session, which the vendor reports as 1505 with a body): sending again will not help, signing in
 *   again may.
 * - anything else (other 4xx, and the 1xx/3xx a fetch may surface): the request was not acceptable.
 */
function httpInfo(status: number): CodeInfo {
  if (status >= 500 && status <= 599) return info('server', true, `HTTP ${status} from the server`);
  if (status === 429) return ERROR_CODES[429]!;
  if (status === 408) return info('timeout', true, 'HTTP 408: the server gave up waiting');
  if (status === 401 || status === 403) {
    return info('reauth-required', false, `HTTP ${status}: the request was refused`);
  }
  return info('bad-input', false, `HTTP ${status}: the request was not accepted`);
}

function build(
  step: ApiStep,
  code: ApiError['code'],
  found: CodeInfo,
  message: string | undefined,
  httpStatus: number | undefined,
  retryAfterMs: number | undefined,
): ApiError {
  const error: ApiError = {
    step,
    kind: found.kind,
    code,
    message: pickMessage(message, found.description),
    retryable: found.retryable,
  };
  if (httpStatus !== undefined) error.httpStatus = httpStatus;
  if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
  return error;
}

/**
 * An answer that carried the API's `status.code`. The code wins over the HTTP status it came with;
 * an undocumented code is a server-side failure we cannot safely repeat.
 */
export function errorFromCode(
  step: ApiStep,
  code: number,
  httpStatus?: number,
  message?: string,
  retryAfterMs?: number,
): ApiError {
  const found = ERROR_CODES[code] ?? info('server', false, `Unknown status code ${code}`);
  return build(step, code, found, message, httpStatus, retryAfterMs);
}

/** A non-2xx answer without a readable API code: the HTTP status is the code. */
export function errorFromHttpStatus(
  step: ApiStep,
  httpStatus: number,
  retryAfterMs?: number,
): ApiError {
  return build(step, httpStatus, httpInfo(httpStatus), undefined, httpStatus, retryAfterMs);
}

/** The call did not produce a usable answer: network failure, timeout, abort or unreadable body. */
export function transportError(
  step: ApiStep,
  kind: TransportCode,
  message?: string,
  httpStatus?: number,
): ApiError {
  return build(step, kind, TRANSPORT[kind], message, httpStatus, undefined);
}
