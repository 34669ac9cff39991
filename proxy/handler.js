// @ts-check
// The forwarding server's logic as a Fetch API handler, `(request, info) => Response`, so the same
// rules run in Node (./node.js adapts node:http and Express to it), Next.js route handlers, Hono,
// Deno, Bun and edge runtimes. In order: route, CORS preflight, overload, the client address's
// limit, origin, method, content type, body (bounded, documented fields only, brand), the
// customer's send limit, then the call upstream and a JSON-only answer.
import { isIP } from 'node:net';
import proxyAddr from 'proxy-addr';
import { ROUTES, checkFields } from './fields.js';
import { connectRedis, createLimits } from './limiter.js';
import { resolveOptions } from './options.js';
import { createUpstream, failureBody } from './upstream.js';

const API_PATH = '/auth/v1/mfa/';
const TOKEN_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

/**
 * @typedef {object} ClientInfo
 * @property {string} [remoteAddress] the connecting peer's address (Node: `req.socket.remoteAddress`,
 *   Deno: `info.remoteAddr.hostname`, Bun: `server.requestIP(req).address`); with `trustProxy`,
 *   X-Forwarded-For is read past it
 * @property {string} [path] the path as received, before URL normalisation (Node passes it, so that
 *   `/a/../b` is not taken for `/b`)
 * @property {AbortSignal} [signal] aborted when the client goes away
 */

/**
 * @typedef {((request: Request, info?: ClientInfo) => Promise<Response>) & {
 *   close(): Promise<void>, abortAll(): void, inFlight(): number, ready: Promise<void>, config: import('./options.js').Config
 * }} FetchHandler
 */

/**
 * The path as it may be logged: no query, no control characters, and no segment that could be a token
 * or a code (long, or with a run of digits), bounded.
 * @param {string} path
 */
export function loggablePath(path) {
  return path
    .split('/')
    .map((segment) => (segment.length > 24 || /\d{4}/.test(segment) ? '…' : segment.replace(/[^\x21-\x7e]/g, '?')))
    .join('/')
    .slice(0, 120);
}

/** `application/json`, with or without parameters (`; charset=utf-8`). @param {string | null} header */
const isJson = (header) => (header ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';

/** @param {string} value an Origin or URL @returns {string | undefined} its host (with a port unless the default) */
function hostOf(value) {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The client's address: the peer, or with trusted proxies in front, the first address in
 * X-Forwarded-For read from the right that is not a trusted proxy (proxy-addr, as Express does).
 * Only a valid IP address counts; anything else in the header ends the walk at the last trusted hop.
 * @param {Headers} headers @param {string | undefined} peer @param {import('./options.js').Config} config
 */
function clientAddress(headers, peer, config) {
  const remoteAddress = peer && isIP(peer) ? peer : undefined;
  if (!remoteAddress) return 'unknown';
  const forwarded = headers.get('x-forwarded-for') ?? undefined;
  const req = /** @type {import('node:http').IncomingMessage} */ (
    /** @type {unknown} */ ({ connection: { remoteAddress }, socket: { remoteAddress }, headers: { 'x-forwarded-for': forwarded } })
  );
  const address = proxyAddr(req, config.trust);
  return isIP(address) ? address : remoteAddress;
}

/**
 * Reads the body up to `limit` bytes.
 * @param {Request} request @param {number} limit
 * @returns {Promise<{ kind: 'ok', body: Uint8Array } | { kind: 'too-large' } | { kind: 'aborted' }>}
 */
async function readBody(request, limit) {
  if (!request.body) return { kind: 'ok', body: new Uint8Array() };
  const reader = request.body.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => {});
        return { kind: 'too-large' };
      }
      chunks.push(value);
    }
  } catch {
    return { kind: 'aborted' };
  }
  return { kind: 'ok', body: Buffer.concat(chunks, size) };
}

/**
 * @param {import('./options.js').ProxyOptions} options
 * @returns {FetchHandler}
 */
export function createFetchHandler(options) {
  const config = resolveOptions(options);
  const upstream = createUpstream(config);
  const routes = new Map(ROUTES.map((route) => [`${config.pathPrefix}${API_PATH}${route}`, route]));
  let inFlight = 0;
  let warnedNoAddress = false;

  /** The limits, in Redis when configured (connected on first use, so creating the handler never waits). */
  const ownRedis = config.redis ? null : config.redisUrl ? connectRedis(config.redisUrl, config.log ?? undefined) : null;
  const limits = (async () =>
    createLimits({
      addressPoints: config.rateLimit,
      addressWindowSec: 60,
      sendPoints: config.sendLimit,
      sendWindowSec: config.sendWindowSeconds,
      keySecret: config.limitKeySecret,
      redis: config.redis ?? (ownRedis ? await ownRedis : null),
      log: config.log,
    }))();
  // Settles once the limits can be used: rejects when REDIS_URL is set and ioredis is not installed,
  // so that a server can refuse to start rather than answer every request 500. Marked handled here:
  // a caller that never awaits it must not crash on an unhandled rejection (requests answer 500).
  const ready = limits.then(() => undefined);
  ready.catch(() => {});
  limits.catch(() => {});

  /** @param {Request} request @param {ClientInfo} [info] @returns {Promise<Response>} */
  const handler = async (request, info = {}) => {
    const started = performance.now();
    const path = (info.path ?? new URL(request.url).pathname).split('?')[0] ?? '/';
    const route = routes.get(path);
    const address = clientAddress(request.headers, info.remoteAddress, config);
    if (address === 'unknown' && !warnedNoAddress) {
      warnedNoAddress = true;
      config.log?.('warning: no client address given to the handler: the per-address limit applies to all callers together (pass { remoteAddress })');
    }
    /** @type {string | null} */
    let note = null;
    const origin = request.headers.get('origin');
    const corsAllowed = origin !== null && config.allowedOrigins.has(origin);

    /** @type {Record<string, string>} */
    const common = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    if (config.allowedOrigins.size > 0) common['Vary'] = 'Origin';
    if (corsAllowed) {
      common['Access-Control-Allow-Origin'] = origin;
      common['Access-Control-Expose-Headers'] = 'Retry-After';
    }
    /** @param {number} status @param {string | null} body @param {Record<string, string>} [headers] */
    const reply = (status, body, headers = {}) =>
      new Response(body, { status, headers: { ...common, ...(body === null ? {} : { 'Content-Type': 'application/json' }), ...headers } });
    /**
     * A refusal in Capillary's shape. One that comes before the body is read leaves it unread: the
     * Node adapter then closes the connection, so a large or trickling body holds nothing open.
     * @param {number} status @param {string} message @param {Record<string, string>} [headers]
     */
    const refuse = (status, message, headers = {}) => reply(status, failureBody(status, message), headers);

    inFlight += 1;
    /** @type {Response} */
    let response;
    try {
      response = await answer();
    } catch {
      note = 'internal';
      response = refuse(500, 'Proxy error');
    } finally {
      inFlight -= 1;
    }
    config.log?.(
      `${request.method} ${loggablePath(path)} ${response.status} ${Math.round(performance.now() - started)}ms ${address}${note ? ` upstream=${note}` : ''}`,
    );
    return response;

    /** @returns {Promise<Response>} */
    async function answer() {
      if (route && request.method === 'OPTIONS') return preflight();
      if (inFlight > config.maxInFlight) return refuse(503, 'Proxy busy: try again', { 'Retry-After': '1' });
      const limited = await (await limits).takeAddress(address);
      if (!limited.ok) return refuse(429, 'Too many requests: try again later', { 'Retry-After': String(limited.retryAfterSeconds) });
      if (!route) return refuse(404, 'Not found');
      if (origin !== null && !corsAllowed && !isSameOrigin()) return refuse(403, 'Origin not allowed');
      if (request.method !== 'POST') return refuse(405, 'Method not allowed', { Allow: 'POST, OPTIONS' });
      if (!isJson(request.headers.get('content-type'))) return refuse(415, 'Content-Type must be application/json');
      const encoding = request.headers.get('content-encoding');
      if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return refuse(415, 'Content-Encoding not supported');
      const tooLarge = () => refuse(413, `Body larger than ${config.maxBodyBytes} bytes`);
      if (Number(request.headers.get('content-length')) > config.maxBodyBytes) return tooLarge();

      const read = await readBody(request, config.maxBodyBytes);
      if (read.kind === 'aborted') return refuse(400, 'Body not received');
      if (read.kind === 'too-large') return tooLarge();
      /** @type {unknown} */
      let parsed;
      try {
        parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(read.body));
      } catch {
        return refuse(400, 'Body is not valid JSON');
      }
      const checked = checkFields(route, parsed);
      if (!checked.ok) return refuse(400, checked.message);
      if (config.brand !== null && checked.body['brand'] !== config.brand) return refuse(403, 'Brand not allowed');

      if (route === 'otp/generate') {
        const { brand = '', identifierType = '', identifierValue = '' } = checked.body;
        const sends = await (await limits).takeSend({ brand, identifierType, identifierValue });
        if (!sends.ok) {
          note = 'send-limit';
          return refuse(429, 'Too many codes requested for this customer: try again later', { 'Retry-After': String(sends.retryAfterSeconds) });
        }
      }
      const result = await upstream.forward(`${API_PATH}${route}`, checked.body, request.headers, info.signal ?? request.signal);
      if (result === null) {
        note = 'client-gone';
        return reply(499, null);
      }
      note = result.note;
      // The send was counted before the call (so a burst cannot slip past the limit); one Capillary
      // refused sent no code, and is given back: otherwise anyone who knows a customer's number could
      // use up that customer's codes with made-up session IDs. A timeout or a 5xx may have sent one.
      if (route === 'otp/generate' && result.refused) {
        const { brand = '', identifierType = '', identifierValue = '' } = checked.body;
        await (await limits).refundSend({ brand, identifierType, identifierValue });
      }
      return reply(result.status, result.body, result.retryAfter ? { 'Retry-After': result.retryAfter } : {});
    }

    /**
     * Same origin: the Origin names this request's Host (any scheme: TLS often ends at a proxy in front,
     * so the scheme seen here says nothing), or is one the site says it is served at. X-Forwarded-Host
     * is never read: a client can send it, and the front end may pass it on unchanged.
     */
    function isSameOrigin() {
      if (origin === null) return false;
      if (config.publicOrigins.has(origin)) return true;
      const host = (request.headers.get('host') ?? hostOf(request.url))?.toLowerCase();
      return host !== undefined && host !== '' && hostOf(origin) === host;
    }

    function preflight() {
      if (origin === null || (!corsAllowed && isSameOrigin())) return reply(204, null);
      if (!corsAllowed) return refuse(403, 'Origin not allowed');
      const requested = request.headers.get('access-control-request-headers') ?? '';
      const headerList = TOKEN_LIST.test(requested) && requested.length <= 512 ? requested : 'Content-Type';
      return reply(204, null, {
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': headerList,
        'Access-Control-Max-Age': '600',
      });
    }
  };

  /** @type {Promise<void> | null} */
  let closing = null;
  return /** @type {FetchHandler} */ (Object.assign(handler, {
    config,
    inFlight: () => inFlight,
    ready,
    abortAll: () => upstream.abortAll(),
    // Once: the Node server closes its handler when it closes, and startProxy's close() awaits the same.
    close: () =>
      (closing ??= (async () => {
        upstream.abortAll();
        await Promise.allSettled([
          upstream.close(),
          limits.then((l) => l.close()),
          ownRedis?.then((client) => /** @type {{ quit(): Promise<unknown> }} */ (client).quit()),
        ]);
      })()),
  }));
}
