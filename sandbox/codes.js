// @ts-check
// The vendor's failure and success bodies, from the shared code table. The vendor documents no
// code→HTTP mapping; the table fixes one for the emulator (docs/emulator-spec.md) so tests can assert
// it, and keeps it mixed (400 / 401 / 429 / 200-with-success:false) as the real one may be.
import { readFileSync } from 'node:fs';

/** The vendor's codes: the table the client and the tests read too (src/api/status-codes.json). */
const TABLE = /** @type {{ messages: Record<string, string>, emulatorHttpStatus: Record<string, number> }} */ (
  JSON.parse(readFileSync(new URL('../src/api/status-codes.json', import.meta.url), 'utf8'))
);

/**
 * HTTP status the emulator uses for a failure code: the table's pairing (400 bad input, 429 rate
 * limit, 401 session, 200 with success:false for everything else, 1534 included); 200 for others.
 * @param {number} code
 */
export function httpStatusFor(code) {
  return Object.hasOwn(TABLE.emulatorHttpStatus, code) ? TABLE.emulatorHttpStatus[code] : 200;
}

/**
 * The documented failure body for `code`, with its HTTP status.
 * @param {number} code
 * @param {string} [message] overrides the table's message (e.g. to say which field was wrong)
 * @returns {Reply}
 */
export function failure(code, message) {
  return {
    httpStatus: httpStatusFor(code),
    body: { status: { success: false, code, message: message ?? (Object.hasOwn(TABLE.messages, code) ? TABLE.messages[code] : 'Error') } },
  };
}

/** @param {Record<string, unknown>} [rest] @returns {Reply} */
export function success(rest = {}) {
  return { httpStatus: 200, body: { status: { success: true, code: 200, message: 'SUCCESS' }, ...rest } };
}
