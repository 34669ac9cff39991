// @ts-check
// What each forwarded route may carry: exactly the documented fields (../shared/capillary-mfa-api.md),
// each a string of bounded length. Anything else is refused rather than dropped, so that a caller
// learns of a mistake, and nothing the site did not mean to send travels with its credentials.

/** The only vendor endpoints forwarded: `${prefix}/auth/v1/mfa/${route}` → `${baseUrl}/auth/v1/mfa/${route}`. */
export const ROUTES = /** @type {const} */ (['token/generate', 'otp/generate', 'otp/validate']);
/** @typedef {typeof ROUTES[number]} Route */

export const IDENTIFIER_TYPES = ['MOBILE', 'EMAIL', 'USERNAME', 'EXTERNALID'];

/** @typedef {(value: string) => boolean} Check */
/** @param {number} max @returns {Check} */
const text = (max) => (value) => value.length > 0 && value.length <= max;
/** @type {Check} */
const identifierType = (value) => IDENTIFIER_TYPES.includes(value);
/** @type {Check} */
const otp = (value) => /^\d{1,12}$/.test(value);

const IDENTITY = { identifierType, identifierValue: text(256), deviceId: text(256), brand: text(256) };

/** @type {Record<Route, Record<string, Check>>} */
export const ROUTE_FIELDS = {
  'token/generate': { ...IDENTITY, authorizedToken: text(4096) },
  'otp/generate': { ...IDENTITY, sessionId: text(4096) },
  'otp/validate': { ...IDENTITY, sessionId: text(4096), otp },
};

/**
 * The body to forward, built from the documented fields only, or why it is refused.
 * @param {Route} route
 * @param {unknown} body the parsed JSON
 * @returns {{ ok: true, body: Record<string, string> } | { ok: false, message: string }}
 */
export function checkFields(route, body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, message: 'Body must be a JSON object' };
  const fields = ROUTE_FIELDS[route];
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(fields, key)) return { ok: false, message: `Unknown field: ${key.slice(0, 40)}` };
  }
  /** @type {Record<string, string>} */
  const out = {};
  for (const [name, check] of Object.entries(fields)) {
    const value = /** @type {Record<string, unknown>} */ (body)[name];
    if (value === undefined) return { ok: false, message: `Missing field: ${name}` };
    if (typeof value !== 'string' || !check(value)) return { ok: false, message: `Invalid field: ${name}` };
    out[name] = value;
  }
  return { ok: true, body: out };
}
