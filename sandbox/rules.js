// @ts-check
// One namespace of the emulator: its config, clock, first-factor tokens, MFA sessions, rate-limit windows,
// outbox and fault queue, and the vendor's rules over them. No HTTP here: each call takes a parsed body
// and returns a Reply, so the rules can be read (and tested) apart from the routing.
import { randomUUID } from 'node:crypto';
import { failure, success } from './codes.js';
import { FaultQueue } from './faults.js';
import { authKey, jwtLike, otpCode, sessionId } from './tokens.js';
import { IDENTIFIER_TYPES } from '../proxy/fields.js';

/** @typedef {import('./codes.js').Reply} Reply */
/**
 * @typedef {object} Config
 * @property {number} otpLength digits of a code (4..10)
 * @property {number | null} otpMaxCount sends allowed per window; null = no limit
 * @property {number | null} otpTimeOut window length in minutes; null = no limit
 * @property {number} maxWrongAttempts the Nth wrong code closes the session with 1518
 * @property {number} sessionTtlMinutes
 * @property {number} otpTtlMinutes
 * @property {number} firstFactorTtlMinutes
 * @property {number} rateLimitCode 429 (HTTP 429) or e.g. 1534 (HTTP 200, success:false)
 */
/**
 * @typedef {object} OutboxMessage
 * @property {string} id
 * @property {'sms' | 'email'} channel
 * @property {string} identifierType
 * @property {string} identifierValue
 * @property {string} brand
 * @property {string} sessionId
 * @property {string} deviceId
 * @property {string} code
 * @property {number} sentAt epoch ms on the namespace's clock
 */
/**
 * @typedef {object} Session
 * @property {string} id
 * @property {string} identifierType
 * @property {string} identifierValue
 * @property {string} deviceId
 * @property {string} brand
 * @property {number} expiresAt
 * @property {{ value: string, issuedAt: number } | null} otp the latest code sent; a resend replaces it
 * @property {number} wrongAttempts counted per session: a resend does not reset it
 */
/** @typedef {{ identifierType?: string, identifierValue?: string, brand?: string, expiresAt: number }} FirstFactor */

/** @type {Readonly<Config>} */
export const DEFAULT_CONFIG = Object.freeze({
  otpLength: 6,
  otpMaxCount: 5,
  otpTimeOut: 10,
  maxWrongAttempts: 5,
  sessionTtlMinutes: 15,
  otpTtlMinutes: 10,
  firstFactorTtlMinutes: 60,
  rateLimitCode: 429,
});

// The vendor's identifier types, as the forwarding server allows them (one list for both Node sides;
// test/unit/identifier-types.test.ts holds it equal to the client's).
export { IDENTIFIER_TYPES };
const MINUTE = 60_000;
/** Outbox entries are kept this long (emulator clock) so a test can still read a code after a resend. */
const OUTBOX_RETENTION_MS = 60 * MINUTE;
/** Per-namespace caps: oldest entries go first, so a flood cannot grow memory without bound. */
const MAX_OUTBOX = 5000;
/** The longest identifier, device ID, brand or session ID the emulator keeps (a real one is far shorter). */
const MAX_FIELD_CHARS = 256;
/** The longest first-factor token it takes (its own are about 300 characters). */
const MAX_TOKEN_CHARS = 4096;
const MAX_SESSIONS = 50_000;
const MAX_FIRST_FACTOR = 50_000;
/** The customer token of a validated login lives 15 minutes, as the vendor documents. */
const USER_TOKEN_TTL_MS = 15 * MINUTE;

/** A request or control body the emulator refuses; carries the Reply to send. */
export class Refusal extends Error {
  /** @param {Reply} reply */
  constructor(reply) {
    super(reply.body.status.message);
    this.reply = reply;
  }
}

/** @param {number} code @param {string} [message] */
const refuse = (code, message) => new Refusal(failure(code, message));

/** @param {unknown} v @returns {v is Record<string, unknown>} */
export const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Field validation shared by the three vendor calls, in the documented order: identity fields,
 * then the call's own fields, then `otp` (604 when absent).
 * @param {unknown} body
 * @param {string[]} extra the call's own required string fields
 * @param {boolean} [withOtp]
 * @returns {Record<string, string>}
 */
function readFields(body, extra, withOtp = false) {
  if (!isObject(body)) throw refuse(1519, 'Invalid details passed: body must be a JSON object');
  /** @type {Record<string, string>} */
  const out = {};
  for (const name of ['identifierType', 'identifierValue', 'deviceId', 'brand', ...extra]) {
    const value = Object.hasOwn(body, name) ? body[name] : undefined;
    if (typeof value !== 'string' || value.trim() === '') throw refuse(1519, `Invalid details passed: ${name}`);
    // Bounded by size, not only by count: 1,500 sessions of 60 KB identifiers held 127 MB.
    if (value.length > (name === 'authorizedToken' ? MAX_TOKEN_CHARS : MAX_FIELD_CHARS)) throw refuse(1519, `Invalid details passed: ${name} too long`);
    if (name === 'identifierType' && !IDENTIFIER_TYPES.includes(value)) throw refuse(1546);
    out[name] = value;
  }
  if (withOtp) {
    const otp = Object.hasOwn(body, 'otp') ? body.otp : undefined;
    if (otp === undefined || otp === null || otp === '') throw refuse(604);
    // The vendor's own example sends a number, so a non-negative integer is tolerated as its digits.
    const text = typeof otp === 'number' && Number.isSafeInteger(otp) && otp >= 0 ? String(otp) : otp;
    if (typeof text !== 'string' || !/^\d{1,16}$/.test(text)) throw refuse(1519, 'Invalid details passed: otp');
    out.otp = text;
  }
  return out;
}

/**
 * Validates a `POST config` patch: known keys only, each within its range.
 * @param {unknown} patch
 * @returns {Partial<Config>}
 */
function readConfigPatch(patch) {
  if (!isObject(patch)) throw refuse(1519, 'config must be a JSON object');
  /** @type {Record<keyof Config, (v: unknown) => boolean>} */
  const checks = {
    otpLength: (v) => Number.isInteger(v) && /** @type {number} */ (v) >= 4 && /** @type {number} */ (v) <= 10,
    otpMaxCount: (v) => v === null || (Number.isInteger(v) && /** @type {number} */ (v) >= 1),
    otpTimeOut: (v) => v === null || (typeof v === 'number' && v > 0 && Number.isFinite(v)),
    maxWrongAttempts: (v) => Number.isInteger(v) && /** @type {number} */ (v) >= 1,
    sessionTtlMinutes: (v) => typeof v === 'number' && v > 0 && Number.isFinite(v),
    otpTtlMinutes: (v) => typeof v === 'number' && v > 0 && Number.isFinite(v),
    firstFactorTtlMinutes: (v) => typeof v === 'number' && v > 0 && Number.isFinite(v),
    rateLimitCode: (v) => Number.isInteger(v),
  };
  for (const [key, value] of Object.entries(patch)) {
    // Own keys only: `valueOf` or `__proto__` must be unknown keys, not Object.prototype's.
    const check = Object.hasOwn(checks, key) ? checks[/** @type {keyof Config} */ (key)] : undefined;
    if (!check) throw refuse(1519, `unknown config key ${key}`);
    if (!check(value)) throw refuse(1519, `invalid value for ${key}`);
  }
  return /** @type {Partial<Config>} */ (patch);
}

export class Namespace {
  /** @param {string} name @param {Partial<Config>} [defaults] applied on creation and on every reset */
  constructor(name, defaults = {}) {
    this.name = name;
    this.defaults = { ...DEFAULT_CONFIG, ...readConfigPatch(defaults) };
    this.faults = new FaultQueue();
    /** @type {Config} */ this.config = { ...this.defaults };
    /** Added to real time: `POST clock` moves it forward so tests need not wait for expiries. */
    this.clockOffsetMs = 0;
    /** @type {Map<string, FirstFactor>} */ this.firstFactors = new Map();
    /** @type {Map<string, Session>} */ this.sessions = new Map();
    /** @type {Map<string, { start: number, count: number }>} keyed by brand + NUL + identifierValue */
    this.rateWindows = new Map();
    /** @type {OutboxMessage[]} oldest first */
    this.outbox = [];
  }

  now() {
    return Date.now() + this.clockOffsetMs;
  }

  /** Back to defaults: state, faults, config and clock. */
  reset() {
    this.faults.clear();
    this.config = { ...this.defaults };
    this.clockOffsetMs = 0;
    this.firstFactors.clear();
    this.sessions.clear();
    this.rateWindows.clear();
    this.outbox = [];
  }

  /** @param {unknown} advanceMs @returns {{ now: number }} epoch ms on this namespace's clock */
  advanceClock(advanceMs) {
    if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0) {
      throw refuse(1519, 'advanceMs must be a non-negative number');
    }
    this.clockOffsetMs += advanceMs;
    return { now: this.now() };
  }

  /** @param {unknown} patch @returns {Config} the whole config after the change */
  setConfig(patch) {
    Object.assign(this.config, readConfigPatch(patch));
    return { ...this.config };
  }

  /**
   * Mints an `authorizedToken` as if the customer had passed the first factor.
   * @param {unknown} [body] `{ identifierType?, identifierValue?, brand? }`
   * @returns {{ authorizedToken: string, expiresAt: number }} expiresAt in epoch ms, emulator clock
   */
  mintFirstFactor(body = {}) {
    if (!isObject(body)) throw refuse(1519, 'body must be a JSON object');
    /** @type {Record<string, string>} */
    const bound = {};
    for (const name of ['identifierType', 'identifierValue', 'brand']) {
      const value = Object.hasOwn(body, name) ? body[name] : undefined;
      if (value === undefined) continue;
      if (typeof value !== 'string' || value === '' || value.length > MAX_FIELD_CHARS) throw refuse(1519, `Invalid details passed: ${name}`);
      bound[name] = value;
    }
    if (bound.identifierType && !IDENTIFIER_TYPES.includes(bound.identifierType)) throw refuse(1546);
    const now = this.now();
    const ttlMs = this.config.firstFactorTtlMinutes * MINUTE;
    const authorizedToken = jwtLike({ sub: bound.identifierValue ?? 'first-factor', sid: randomUUID(), nowMs: now, ttlMs, role: 'FIRST_FACTOR' });
    this.firstFactors.set(authorizedToken, { ...bound, expiresAt: now + ttlMs });
    trimMap(this.firstFactors, MAX_FIRST_FACTOR);
    return { authorizedToken, expiresAt: now + ttlMs };
  }

  /** @param {string} [identifierValue] @returns {OutboxMessage[]} oldest first */
  listOutbox(identifierValue) {
    return this.outbox.filter((m) => identifierValue === undefined || m.identifierValue === identifierValue).map((m) => ({ ...m }));
  }

  /** `POST /auth/v1/mfa/token/generate` @param {unknown} body @returns {Reply} */
  tokenGenerate(body) {
    const f = readFields(body, ['authorizedToken']);
    const first = this.firstFactors.get(f.authorizedToken);
    if (!first) return failure(1525);
    const now = this.now();
    if (now >= first.expiresAt) return failure(1529);
    if (first.identifierValue !== undefined && first.identifierValue !== f.identifierValue) return failure(1541);
    const ttlMs = this.config.sessionTtlMinutes * MINUTE;
    /** @type {Session} */
    const session = {
      id: sessionId(),
      identifierType: f.identifierType,
      identifierValue: f.identifierValue,
      deviceId: f.deviceId,
      brand: f.brand,
      expiresAt: now + ttlMs,
      otp: null,
      wrongAttempts: 0,
    };
    this.sessions.set(session.id, session);
    trimMap(this.sessions, MAX_SESSIONS);
    const token = jwtLike({ sub: f.identifierValue, sid: session.id, nowMs: now, ttlMs, role: 'VIEW' });
    return success({ auth: { token, key: null }, user: userOf(session.id, 'VIEW') });
  }

  /** `POST /auth/v1/mfa/otp/generate` (send or resend) @param {unknown} body @returns {Reply} */
  otpGenerate(body) {
    const f = readFields(body, ['sessionId']);
    const session = this.#boundSession(f);
    if ('httpStatus' in session) return session;
    const now = this.now();
    if (!this.#countSend(`${f.brand}\u0000${f.identifierValue}`, now)) return failure(this.config.rateLimitCode, 'OTP rate limit exceeded');
    const code = otpCode(this.config.otpLength);
    session.otp = { value: code, issuedAt: now };
    this.outbox.push({
      id: randomUUID(),
      channel: f.identifierType === 'EMAIL' ? 'email' : 'sms',
      identifierType: f.identifierType,
      identifierValue: f.identifierValue,
      brand: f.brand,
      sessionId: session.id,
      deviceId: f.deviceId,
      code,
      sentAt: now,
    });
    if (this.outbox.length > MAX_OUTBOX) this.outbox.splice(0, this.outbox.length - MAX_OUTBOX);
    return success();
  }

  /** `POST /auth/v1/mfa/otp/validate` @param {unknown} body @returns {Reply} */
  otpValidate(body) {
    const f = readFields(body, ['sessionId'], true);
    const session = this.#boundSession(f);
    if ('httpStatus' in session) return session;
    if (!session.otp) return failure(1537);
    const now = this.now();
    if (now >= session.otp.issuedAt + this.config.otpTtlMinutes * MINUTE) return failure(605);
    if (f.otp !== session.otp.value) {
      session.wrongAttempts += 1;
      if (session.wrongAttempts < this.config.maxWrongAttempts) return failure(1506);
      this.sessions.delete(session.id);
      return failure(1518);
    }
    this.sessions.delete(session.id); // consumed: one login per session
    const token = jwtLike({ sub: f.identifierValue, sid: session.id, nowMs: now, ttlMs: USER_TOKEN_TTL_MS, role: 'USER' });
    return success({ auth: { token, key: authKey() }, user: userOf(session.id, 'USER') });
  }

  /**
   * The live session named by the call, checked against the identity that opened it.
   * @param {Record<string, string>} f
   * @returns {Session | Reply}
   */
  #boundSession(f) {
    const session = this.sessions.get(f.sessionId);
    if (!session || this.now() >= session.expiresAt) return failure(1505);
    if (session.identifierValue !== f.identifierValue || session.identifierType !== f.identifierType) return failure(1541);
    if (session.deviceId !== f.deviceId) return failure(1508);
    if (session.brand !== f.brand) return failure(1509);
    return session;
  }

  /**
   * Counts one send in the identifier's fixed window (which starts at its first send); false when full.
   * @param {string} key @param {number} now
   */
  #countSend(key, now) {
    const { otpMaxCount, otpTimeOut } = this.config;
    if (otpMaxCount === null || otpTimeOut === null) return true;
    let window = this.rateWindows.get(key);
    if (!window || now >= window.start + otpTimeOut * MINUTE) {
      window = { start: now, count: 0 };
      this.rateWindows.set(key, window);
    }
    if (window.count >= otpMaxCount) return false;
    window.count += 1;
    return true;
  }

  /** Drops what has expired on this namespace's clock. */
  sweep() {
    const now = this.now();
    for (const [token, first] of this.firstFactors) if (now >= first.expiresAt) this.firstFactors.delete(token);
    for (const [id, session] of this.sessions) if (now >= session.expiresAt) this.sessions.delete(id);
    const windowMs = this.config.otpTimeOut === null ? 0 : this.config.otpTimeOut * MINUTE;
    for (const [key, window] of this.rateWindows) if (now >= window.start + windowMs) this.rateWindows.delete(key);
    this.outbox = this.outbox.filter((m) => now - m.sentAt < OUTBOX_RETENTION_MS);
  }

  stats() {
    return {
      sessions: this.sessions.size,
      outbox: this.outbox.length,
      firstFactorTokens: this.firstFactors.size,
      rateWindows: this.rateWindows.size,
    };
  }
}

/** @param {string} id @param {'VIEW' | 'USER'} role */
const userOf = (id, role) => ({ appRegistered: false, sessionId: id, role, userRegisteredForPassword: false });

/** Drops a Map's oldest entries (insertion order) past `max`. @param {Map<string, unknown>} map @param {number} max */
function trimMap(map, max) {
  for (const key of map.keys()) {
    if (map.size <= max) return;
    map.delete(key);
  }
}
