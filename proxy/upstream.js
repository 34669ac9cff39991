// @ts-check
// The call to Capillary and what of its answer may reach the browser: JSON only, of a status the
// element understands, never with the site's credentials in it. Everything else becomes a
// Capillary-shaped failure with 502, so the site's origin never serves upstream HTML or script.
import { Agent, fetch as undiciFetch } from 'undici';

/** Capillary's answers are small; anything bigger is not one of them. */
const MAX_UPSTREAM_BYTES = 256 * 1024;
/** Request headers passed on to Capillary. Everything else (Cookie, Authorization, hop-by-hop, the site's own) stays here. */
const FORWARDED_REQUEST_HEADERS = ['accept-language', 'user-agent'];

export const TIMEOUT = Symbol('timeout');
export const SHUTDOWN = Symbol('shutdown');
export const CLIENT_GONE = Symbol('client gone');

/** Capillary's failure body, so the element reads the proxy's own refusals like the vendor's. */
export function failureBody(/** @type {number} */ code, /** @type {string} */ message) {
  return JSON.stringify({ status: { success: false, code, message } });
}

/**
 * @typedef {object} UpstreamAnswer
 * @property {number} status
 * @property {string} body JSON text
 * @property {string | null} retryAfter
 * @property {string | null} note what the log line adds: the failure kind, never a message
 * @property {boolean} refused Capillary answered and said no (a 4xx, or `status.success: false`): the
 *   call did nothing, so an OTP send it stood for can be given back to the customer's send limit
 */

/** @param {number} status @param {string} message @param {string} note @returns {UpstreamAnswer} */
const failed = (status, message, note) => ({ status, body: failureBody(status, message), retryAfter: null, note, refused: false });

/**
 * Reads an upstream answer whole, up to MAX_UPSTREAM_BYTES.
 * @param {import('undici').Response} response
 * @returns {Promise<Buffer | null>} null when it is bigger
 */
async function readCapped(response) {
  if (!response.body) return Buffer.alloc(0);
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_UPSTREAM_BYTES) {
      await response.body.cancel().catch(() => {});
      return null;
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}

/**
 * Replaces every echo of a secret in the parsed answer's strings (and keys), so a vendor error that
 * quotes the request's Authorization header hands nothing to the browser.
 * @param {unknown} value @param {string[]} secrets
 * @returns {unknown}
 */
function redact(value, secrets) {
  if (typeof value === 'string') return secrets.reduce((s, secret) => s.split(secret).join('[redacted]'), value);
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets));
  if (value && typeof value === 'object') {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, v] of Object.entries(value)) out[/** @type {string} */ (redact(k, secrets))] = redact(v, secrets);
    return out;
  }
  return value;
}

/**
 * Forwards calls to Capillary through one bounded pool of sockets.
 * @param {import('./options.js').Config} config
 */
export function createUpstream(config) {
  const agent = new Agent({ connections: config.upstreamConnections, connectTimeout: Math.min(config.upstreamTimeoutMs, 10_000) });
  /** @type {Set<AbortController>} */
  const calls = new Set();

  /**
   * @param {string} apiPath `/auth/v1/mfa/…`
   * @param {Record<string, string>} body the checked fields
   * @param {Headers} requestHeaders the client's, of which a few are passed on
   * @param {AbortSignal} [clientGone] aborted when the client leaves
   * @returns {Promise<UpstreamAnswer | null>} null when the client left first
   */
  async function forward(apiPath, body, requestHeaders, clientGone) {
    /** @type {Record<string, string>} */
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = requestHeaders.get(name);
      if (value !== null) headers[name] = value;
    }
    if (config.authorization) headers['Authorization'] = config.authorization;

    const controller = new AbortController();
    calls.add(controller);
    const timer = setTimeout(() => controller.abort(TIMEOUT), config.upstreamTimeoutMs);
    const onGone = () => controller.abort(CLIENT_GONE);
    clientGone?.addEventListener('abort', onGone, { once: true });
    try {
      const upstream = await undiciFetch(`${config.baseUrl}${apiPath}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: controller.signal,
        dispatcher: agent,
      });
      const payload = await readCapped(upstream);
      if (upstream.status >= 300 && upstream.status < 400) return failed(502, 'Upstream answered with a redirect', 'redirect');
      if (payload === null) return failed(502, 'Upstream answer too large', 'too-large');
      // 2xx and 4xx carry Capillary's answer for the element to read; a 5xx or an odd status is the
      // upstream's trouble, and its body (an HTML error page, say) is nothing to pass on.
      const status = upstream.status;
      if (!((status >= 200 && status < 300) || (status >= 400 && status < 500))) return failed(502, 'Upstream failed', `status-${status}`);
      /** @type {unknown} */
      let json;
      try {
        json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
      } catch {
        return failed(502, 'Upstream answer was not JSON', 'not-json');
      }
      const retryAfter = upstream.headers.get('retry-after');
      return {
        status,
        body: JSON.stringify(config.secrets.length ? redact(json, config.secrets) : json),
        retryAfter: retryAfter && /^[\w ,:+-]{1,64}$/.test(retryAfter) ? retryAfter : null,
        note: null,
        refused: status >= 400 || /** @type {{ status?: { success?: unknown } } | null} */ (json)?.status?.success === false,
      };
    } catch (err) {
      const reason = controller.signal.aborted ? controller.signal.reason : null;
      if (reason === CLIENT_GONE) return null;
      if (reason === TIMEOUT) return failed(504, 'Upstream timed out', 'timeout');
      if (reason === SHUTDOWN) return { ...failed(503, 'Proxy shutting down: try again', 'shutdown'), retryAfter: '1' };
      const cause = /** @type {{ cause?: { code?: unknown } }} */ (err).cause;
      const note = typeof cause?.code === 'string' && /^[A-Z_]{1,40}$/.test(cause.code) ? cause.code : 'unreachable';
      return failed(502, 'Upstream unreachable', note);
    } finally {
      clearTimeout(timer);
      clientGone?.removeEventListener('abort', onGone);
      calls.delete(controller);
    }
  }

  return {
    forward,
    /** Ends the calls in flight (they are answered 503). */
    abortAll() {
      for (const controller of calls) controller.abort(SHUTDOWN);
    },
    close: () => agent.close(),
  };
}
