// Types shared by the Capillary MFA client and its callers. No runtime code, no DOM.

export const IDENTIFIER_TYPES = ['MOBILE', 'EMAIL', 'USERNAME', 'EXTERNALID'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

/** The four fields every call of the chain repeats; the server refuses a call where one differs. */
export interface Identity {
  identifierType: IdentifierType;
  identifierValue: string;
  deviceId: string;
  brand: string;
}

/** Which call failed. `otp` is generate (send or resend), `verify` is validate. */
export type ApiStep = 'token' | 'otp' | 'verify';

/**
 * What went wrong, as a category the UI can act on.
 * - rate-limited: wait for the window to reset (429, 1534)
 * - session-expired: reopen the chain with the same first-factor token (1505)
 * - code-expired: no valid code on the server: send a new one (1537, 9001)
 * - invalid-code: re-type the code (1506, 604, 605, 876)
 * - attempts-exhausted: too many wrong codes, go back to the first factor (1518)
 * - reauth-required: first factor no longer accepted, sign in again (1515, 1525, 1529)
 * - bad-input: the request was malformed (1519, 1540, 1546, other 4xx)
 * - integration-mismatch: the page changed identifier/device/brand mid-chain (1507-1509, 1541)
 * - server: the vendor could not do it now (1502-1504, 606, 874, 875, 5xx, unknown codes)
 * - network / timeout / aborted / invalid-response: transport-level outcomes
 */
export type ErrorKind =
  | 'rate-limited'
  | 'session-expired'
  | 'code-expired'
  | 'invalid-code'
  | 'attempts-exhausted'
  | 'reauth-required'
  | 'bad-input'
  | 'integration-mismatch'
  | 'server'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'invalid-response';

export type TransportCode = 'network' | 'timeout' | 'aborted' | 'invalid-response';

export interface ApiError {
  step: ApiStep;
  kind: ErrorKind;
  /** The API's status code when the body carried one; else the non-2xx HTTP status; else a transport code. */
  code: number | TransportCode;
  /** Developer-facing text (the vendor's message, or a description of what happened). Never contains tokens. */
  message: string;
  retryable: boolean;
  httpStatus?: number;
  /** From a Retry-After header (seconds or HTTP date), when the answer carried one. */
  retryAfterMs?: number;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface CallOptions {
  /** Prefix of every call; '' means same origin. A trailing '/' is tolerated. */
  baseUrl: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Milliseconds before the call gives up with kind 'timeout'. Default 15000. */
  timeoutMs?: number;
}

export interface MfaUser {
  appRegistered: boolean;
  sessionId: string;
  role: string;
  userRegisteredForPassword: boolean;
}

/** Shape of token/generate and otp/validate success. */
export interface AuthSuccess {
  token: string;
  key: string | null;
  user: MfaUser;
}

export interface TokenRequest extends Identity {
  authorizedToken: string;
}
export interface OtpRequest extends Identity {
  sessionId: string;
}
export interface ValidateRequest extends OtpRequest {
  otp: string;
}
