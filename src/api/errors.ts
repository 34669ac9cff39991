// How a failed call becomes an ApiError: the vendor's codes (status-codes.json), one function for bare
// HTTP statuses, one for transport outcomes. No DOM, no I/O.
import { STATUS_CODES, statusCode } from './status-codes.js';
import type { ApiError, ApiStep, ErrorKind, TransportCode } from './types.js';

interface CodeInfo {
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  /** Used when the answer carries no message. */
  readonly message: string;
}

const info = (kind: ErrorKind, retryable: boolean, message: string): CodeInfo => ({ kind, retryable, message });

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
  if (status === 429) return { ...STATUS_CODES[429]!, message: 'HTTP 429: rate limited' };
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
    message: pickMessage(message, found.message),
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
  // The vendor's wording of its codes is not in the bundle (status-codes.json): without a message of
  // its own, the answer is described by its code.
  const known = statusCode(code);
  const found = known ? { ...known, message: `Status code ${code}` } : info('server', false, `Unknown status code ${code}`);
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
