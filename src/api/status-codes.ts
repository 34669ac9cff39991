// The vendor's status codes, read from the one table the client, the emulator and the tests share
// (status-codes.json). Only its `codes` part is imported, so the vendor's wording and the emulator's
// HTTP pairing stay out of the bundle. Typed here, so that a kind the client does not know fails to
// compile.
import { codes } from './status-codes.json';
import type { ErrorKind } from './types.js';

export interface StatusCodeInfo {
  readonly kind: ErrorKind;
  /** Doing the same call again now may succeed (element contract). */
  readonly retryable: boolean;
}

export const STATUS_CODES: Readonly<Record<number, StatusCodeInfo>> = Object.freeze(codes as Record<string, StatusCodeInfo>);

/** The table's entry for a code, or undefined for a code the vendor does not document. */
export function statusCode(code: number): StatusCodeInfo | undefined {
  return Object.hasOwn(STATUS_CODES, code) ? STATUS_CODES[code] : undefined;
}
