// The vendor's status codes, read from the one table the client, the emulator and the tests share
// (status-codes.json). Typed here so that a kind the client does not know fails to compile.
import table from './status-codes.json';
import type { ErrorKind } from './types.js';

export interface StatusCodeInfo {
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  /** The vendor's wording; the client's description when an answer carries no message. */
  readonly message: string;
  /** What the emulator answers it with (the vendor documents no pairing). */
  readonly httpStatus: number;
}

export const STATUS_CODES: Readonly<Record<number, StatusCodeInfo>> = Object.freeze(
  table.codes as Record<string, StatusCodeInfo>,
);

/** The table's entry for a code, or undefined for a code the vendor does not document. */
export function statusCode(code: number): StatusCodeInfo | undefined {
  return Object.hasOwn(STATUS_CODES, code) ? STATUS_CODES[code] : undefined;
}
