// @ts-check
// The vendor's status codes, their messages, and the HTTP status the emulator pairs with each.
// The vendor documents no code→HTTP mapping; the emulator fixes one (docs/emulator-spec.md) so tests
// can assert it, and keeps it mixed (400 / 401 / 429 / 200-with-success:false) as the real one may be.

/** @type {Readonly<Record<number, string>>} */
export const MESSAGES = Object.freeze({
  429: 'OTP rate limit exceeded',
  604: 'No OTP passed',
  605: 'OTP invalid, expired or null',
  606: 'Unable to generate OTP now',
  874: 'Unable to generate OTP now',
  875: 'Unable to generate OTP now',
  876: 'OTP validation failed',
  1502: 'Unable to validate OTP',
  1503: 'Unable to generate OTP',
  1504: 'Unable to generate token',
  1505: 'Invalid session',
  1506: 'Invalid OTP',
  1507: 'Mobile number differs from the one used to open the session',
  1508: 'Device ID differs from the one used to open the session',
  1509: 'Brand differs from the one used to open the session',
  1515: 'User does not exist',
  1518: 'Maximum OTP attempts reached, authenticate from the start',
  1519: 'Invalid details passed',
  1525: 'Cannot regenerate token, authenticate again',
  1529: 'Token has expired',
  1534: 'Maximum number of OTPs allowed per customer reached',
  1537: 'No OTP generated for these details, generate one first',
  1540: 'Mobile or email required to send OTP',
  1541: 'Identifier differs from the one used to open the session',
  1546: 'Invalid identifierType',
  9001: 'No valid OTP found',
});

/** Bad-input codes: answered with HTTP 400. */
const BAD_INPUT = new Set([1519, 1540, 1546]);

/**
 * HTTP status the emulator uses for a failure code (spec: 400 bad input, 429 rate limit, 401 session,
 * 200 with success:false for everything else, 1534 included).
 * @param {number} code
 */
export function httpStatusFor(code) {
  if (BAD_INPUT.has(code)) return 400;
  if (code === 429) return 429;
  if (code === 1505) return 401;
  return 200;
}

/**
 * @typedef {{ status: { success: boolean, code: number, message: string } } & Record<string, unknown>} ApiBody
 * @typedef {{ httpStatus: number, body: ApiBody, headers?: Record<string, string> }} Reply
 */

/**
 * The documented failure body for `code`, with its HTTP status.
 * @param {number} code
 * @param {string} [message] overrides the table's message (e.g. to say which field was wrong)
 * @returns {Reply}
 */
export function failure(code, message) {
  return {
    httpStatus: httpStatusFor(code),
    body: { status: { success: false, code, message: message ?? MESSAGES[code] ?? 'Error' } },
  };
}

/** @param {Record<string, unknown>} [rest] @returns {Reply} */
export function success(rest = {}) {
  return { httpStatus: 200, body: { status: { success: true, code: 200, message: 'SUCCESS' }, ...rest } };
}
