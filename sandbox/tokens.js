// @ts-check
// Random material the emulator hands out: session ids, OTP codes, JWT-like tokens.
// Tokens only need to look like the vendor's (three base64url segments with a readable payload) so a
// client that peeks at `exp` works; nothing ever verifies their signature.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

export const sessionId = () => `P-${randomUUID()}`;

/** @param {number} length digits; leading zeros are kept, as an SMS code would show them */
export function otpCode(length) {
  return String(randomInt(0, 10 ** length)).padStart(length, '0');
}

/** @param {unknown} value */
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * @param {{ sub: string, sid: string, nowMs: number, ttlMs: number, role: string }} claims
 * @returns {string} "header.payload.signature"
 */
export function jwtLike({ sub, sid, nowMs, ttlMs, role }) {
  const iat = Math.floor(nowMs / 1000);
  const payload = { sub, sid, role, iat, exp: iat + Math.floor(ttlMs / 1000), jti: randomUUID() };
  return `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}.${randomBytes(32).toString('base64url')}`;
}

/** Opaque `auth.key` of a validated login. */
export const authKey = () => randomBytes(24).toString('base64url');
