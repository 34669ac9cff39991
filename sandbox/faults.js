// @ts-check
// One namespace's queue of injected faults, and the answer each fault stands for.
// Pure: no sockets here. emulator.js decides what "hang" and "drop" do to a connection.
import { randomUUID } from 'node:crypto';
import { failure, httpStatusFor } from './codes.js';
import { FAULT_TYPES } from './fault-types.js';

/** @typedef {import('./fault-types.js').Endpoint} Endpoint */
/** @typedef {import('./fault-types.js').FaultType} FaultType */
/**
 * @typedef {object} Fault
 * @property {string} id
 * @property {Endpoint | '*'} path
 * @property {FaultType} type
 * @property {number} remaining calls it still affects; -1 = until cleared
 * @property {Record<string, unknown>} params the spec's other fields, validated for the type
 */
/** @typedef {{ httpStatus: number, headers: Record<string, string>, body: string }} RawAnswer */

/** @type {readonly Endpoint[]} */
export const ENDPOINTS = ['token/generate', 'otp/generate', 'otp/validate'];
const TYPES = new Set(/** @type {readonly string[]} */ (FAULT_TYPES));
const MAX_LATENCY_MS = 10 * 60_000;
/** A runaway test adding faults in a loop must not grow memory without bound. */
const MAX_QUEUED = 1000;

/** A fault spec the emulator refuses (answered as 1519 / HTTP 400). */
export class FaultSpecError extends Error {}

/** @param {unknown} v @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** @param {unknown} v @param {number} min @param {number} max */
const isIntIn = (v, min, max) => Number.isInteger(v) && /** @type {number} */ (v) >= min && /** @type {number} */ (v) <= max;

/** @param {unknown} headers */
function checkHeaders(headers) {
  if (headers === undefined) return;
  if (!isObject(headers) || !Object.values(headers).every((v) => typeof v === 'string')) {
    throw new FaultSpecError('headers must be an object of strings');
  }
  // What Node would refuse when answering: refused here, so a bad fault never reaches an answer.
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new FaultSpecError(`not a header name: ${JSON.stringify(name.slice(0, 40))}`);
    if (value.length > 1000 || /[\r\n\0]/.test(value)) throw new FaultSpecError(`header ${name}: value not allowed`);
  }
}

/** An HTTP token (RFC 9110), at most 64 characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/** @param {unknown} path @returns {Endpoint | '*'} */
function normalisePath(path) {
  if (typeof path !== 'string') throw new FaultSpecError('path is required');
  // Bounded first: a path of 65,000 slashes held the event loop 2.5 s in the trimming below.
  if (path.length > 200) throw new FaultSpecError('path is too long');
  // A full vendor path is accepted too, with or without a namespace prefix before it.
  const at = path.lastIndexOf('/auth/v1/mfa/');
  let short = at === -1 ? path : path.slice(at + '/auth/v1/mfa/'.length);
  while (short.startsWith('/')) short = short.slice(1);
  while (short.endsWith('/')) short = short.slice(0, -1);
  if (short === '*' || ENDPOINTS.includes(/** @type {Endpoint} */ (short))) return /** @type {Endpoint | '*'} */ (short);
  throw new FaultSpecError(`path must be one of ${ENDPOINTS.join(', ')} or *`);
}

/**
 * Validates a `POST faults` body into a Fault.
 * @param {unknown} spec
 * @returns {Fault}
 */
export function parseFault(spec) {
  if (!isObject(spec)) throw new FaultSpecError('fault must be a JSON object');
  const { path, type, times = 1, ...params } = spec;
  if (typeof type !== 'string' || !TYPES.has(type)) throw new FaultSpecError(`type must be one of ${[...TYPES].join(', ')}`);
  if (!(times === -1 || isIntIn(times, 1, 1_000_000))) throw new FaultSpecError('times must be a positive integer or -1');
  if (type === 'latency' && !isIntIn(params.ms, 0, MAX_LATENCY_MS)) throw new FaultSpecError(`latency needs ms (0..${MAX_LATENCY_MS})`);
  if (type === 'http') {
    if (!isIntIn(params.status, 200, 599)) throw new FaultSpecError('http needs status (200..599)');
    if (params.body !== undefined && params.body !== null && typeof params.body !== 'string' && !isObject(params.body)) {
      throw new FaultSpecError('body must be a string or an object');
    }
    if (params.contentType !== undefined && typeof params.contentType !== 'string') throw new FaultSpecError('contentType must be a string');
    checkHeaders(params.headers);
  }
  if (type === 'code') {
    if (!Number.isInteger(params.code)) throw new FaultSpecError('code needs an integer code');
    if (params.httpStatus !== undefined && !isIntIn(params.httpStatus, 200, 599)) throw new FaultSpecError('httpStatus must be 200..599');
    if (params.message !== undefined && typeof params.message !== 'string') throw new FaultSpecError('message must be a string');
    checkHeaders(params.headers);
  }
  return { id: randomUUID(), path: normalisePath(path), type: /** @type {FaultType} */ (type), remaining: /** @type {number} */ (times), params };
}

export class FaultQueue {
  /** @type {Fault[]} oldest first: faults are consumed in the order they were added */
  #faults = [];

  /** @param {unknown} spec @returns {string} the new fault's id */
  add(spec) {
    const fault = parseFault(spec);
    if (this.#faults.length >= MAX_QUEUED) throw new FaultSpecError(`at most ${MAX_QUEUED} faults may be queued`);
    this.#faults.push(fault);
    return fault.id;
  }

  clear() {
    this.#faults = [];
  }

  get size() {
    return this.#faults.length;
  }

  /**
   * Consumes what applies to one call of `endpoint`: every latency met in queue order (their delays add
   * up, and the walk goes on past them), then at most one other fault, which decides the answer.
   * @param {Endpoint} endpoint
   * @returns {{ delayMs: number, fault: Fault | null }}
   */
  take(endpoint) {
    let delayMs = 0;
    /** @type {Fault | null} */
    let decisive = null;
    for (const fault of this.#faults) {
      if (fault.path !== '*' && fault.path !== endpoint) continue;
      if (fault.remaining > 0) fault.remaining -= 1;
      if (fault.type !== 'latency') {
        decisive = fault;
        break;
      }
      delayMs += /** @type {number} */ (fault.params.ms);
    }
    this.#faults = this.#faults.filter((f) => f.remaining !== 0);
    return { delayMs, fault: decisive };
  }
}

const htmlPage = (/** @type {string} */ title) =>
  `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><hr><p>nginx</p></body></html>\n`;

/**
 * The answer a fault with a body stands for ('hang' and 'drop' have none: the caller handles them).
 * @param {Fault} fault
 * @returns {RawAnswer}
 */
export function faultAnswer(fault) {
  const p = fault.params;
  const headers = /** @type {Record<string, string>} */ (p.headers ?? {});
  switch (fault.type) {
    case 'http': {
      const status = /** @type {number} */ (p.status);
      if (p.body === undefined || p.body === null) {
        return { httpStatus: status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, body: htmlPage(`${status} Error`) };
      }
      const isJson = typeof p.body !== 'string';
      const body = isJson ? JSON.stringify(p.body) : /** @type {string} */ (p.body);
      const contentType = typeof p.contentType === 'string' ? p.contentType : isJson ? 'application/json' : 'text/html; charset=utf-8';
      return { httpStatus: status, headers: { 'Content-Type': contentType, ...headers }, body };
    }
    case 'non-json':
      return { httpStatus: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: htmlPage('Service Temporarily Unavailable') };
    case 'truncated': {
      const whole = JSON.stringify({ status: { success: true, code: 200, message: 'SUCCESS' }, auth: { token: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln', key: null } });
      return { httpStatus: 200, headers: { 'Content-Type': 'application/json' }, body: whole.slice(0, Math.floor(whole.length / 2)) };
    }
    case 'wrong-shape':
      return { httpStatus: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ data: { ok: true } }) };
    case 'code': {
      const code = /** @type {number} */ (p.code);
      const { body } = failure(code, /** @type {string | undefined} */ (p.message));
      const httpStatus = /** @type {number | undefined} */ (p.httpStatus) ?? httpStatusFor(code);
      return { httpStatus, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
    }
    default:
      throw new Error(`fault type ${fault.type} has no answer`);
  }
}
