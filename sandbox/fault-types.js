// @ts-check
// The faults the emulator can inject, listed once: faults.js validates against this list, and the
// browser tests' client (test/support/emulator-client.ts) takes its FaultSpec type from here.

/** @typedef {'token/generate' | 'otp/generate' | 'otp/validate'} Endpoint */

export const FAULT_TYPES = /** @type {const} */ (['latency', 'hang', 'drop', 'http', 'non-json', 'truncated', 'wrong-shape', 'code']);

/** @typedef {(typeof FAULT_TYPES)[number]} FaultType */

/**
 * What `POST faults` takes (docs/emulator-spec.md): where, how many calls, and the type's own fields.
 * @typedef {{ path: Endpoint | '*', times?: number } & (
 *   | { type: 'latency', ms: number }
 *   | { type: 'hang' | 'drop' | 'non-json' | 'truncated' | 'wrong-shape' }
 *   | { type: 'http', status: number, body?: string, contentType?: string, headers?: Record<string, string> }
 *   | { type: 'code', code: number, httpStatus?: number, message?: string, headers?: Record<string, string> }
 * )} FaultSpec
 */
