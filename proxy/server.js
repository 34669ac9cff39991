// @ts-check
// Reference forwarding server for <mfa-otp-flow>: the site's own backend path that forwards the three
// Capillary MFA calls and adds the API credentials server-side, so the browser never holds them.
// Node's standard library only (node:http and the global fetch). Copy it, or mount its handler.
//
//   CAPILLARY_BASE_URL=https://eu.api.capillarytech.com CAPILLARY_BEARER_TOKEN=… node proxy/server.js
//   <mfa-otp-flow base-url="/api/capillary" …>
//
// Configuration and deployment: docs/deploy.md.
import { createServer } from 'node:http';
import { isIPv6 } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The only vendor endpoints forwarded: `${prefix}/auth/v1/mfa/${route}` → `${baseUrl}/auth/v1/mfa/${route}`. */
export const ROUTES = /** @type {const} */ (['token/generate', 'otp/generate', 'otp/validate']);
const API_PATH = '/auth/v1/mfa/';
/** Capillary's answers are small; anything bigger is not one of them. */
const MAX_UPSTREAM_BYTES = 256 * 1024;
/** Request headers passed on to Capillary. Everything else (Cookie, Authorization, hop-by-hop, the site's own) stays here. */
const FORWARDED_REQUEST_HEADERS = ['accept-language', 'user-agent'];
/** Rate-limit buckets kept at most; past it, full buckets are dropped, then the oldest. */
const MAX_BUCKETS = 100_000;

/**
 * @typedef {object} ProxyOptions
 * @property {string} baseUrl upstream Capillary host (may carry a path), e.g. https://eu.api.capillarytech.com
 * @property {string} [basicUser] with basicPassword: `Authorization: Basic …` added to each forwarded call
 * @property {string} [basicPassword]
 * @property {string} [bearerToken] `Authorization: Bearer …` added to each forwarded call (not with basic)
 * @property {string} [pathPrefix] where the three routes are served; default `/api/capillary`
 * @property {string[]} [allowedOrigins] origins allowed cross-origin (CORS); default none = same-origin only
 * @property {number} [maxBodyBytes] request body cap; default 8192
 * @property {number} [rateLimit] requests per minute per client address; default 30; 0 = no limit
 * @property {boolean} [trustProxy] take the client address from X-Forwarded-For's first entry
 * @property {number} [upstreamTimeoutMs] whole upstream call (connect to last byte); default 10000
 * @property {boolean | ((line: string) => void)} [log] one line per request; true (default) = console.log
 * @property {() => number} [now] clock in ms for the rate limiter (tests)
 */

/**
 * @typedef {object} ResolvedOptions
 * @property {string} baseUrl without a trailing slash
 * @property {string | null} authorization the header value added upstream, or null
 * @property {string} pathPrefix '' or '/x…' without a trailing slash
 * @property {Set<string>} allowedOrigins
 * @property {number} maxBodyBytes
 * @property {number} rateLimit
 * @property {boolean} trustProxy
 * @property {number} upstreamTimeoutMs
 * @property {((line: string) => void) | null} log
 * @property {() => number} now
 */

/** @typedef {import('node:http').IncomingMessage & { originalUrl?: string }} Req */
/** @typedef {import('node:http').ServerResponse} Res */

/**
 * @typedef {object} ProxyHandler
 * @property {(req: Req, res: Res, next?: (err?: unknown) => void) => Promise<void>} handle
 *   answers every request under the prefix; outside it calls `next()` when given (Express/connect), else 404
 * @property {() => number} inFlight requests under the prefix not yet answered in full
 * @property {() => void} abortAll ends the upstream calls in flight (they are answered 503)
 */

export class ConfigError extends Error {}

/** Capillary's failure body, so the element reads the proxy's own refusals like the vendor's. */
function failureBody(/** @type {number} */ code, /** @type {string} */ message) {
  return JSON.stringify({ status: { success: false, code, message } });
}

/** @param {unknown} value @param {string} name @param {number} min @param {number} max @param {number} fallback */
function integer(value, name, min, max, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Checks and completes the options. Never puts a credential into an error message.
 * @param {ProxyOptions} options
 * @returns {ResolvedOptions}
 */
export function resolveOptions(options) {
  const { baseUrl, basicUser, basicPassword, bearerToken } = options;
  if (typeof baseUrl !== 'string' || baseUrl === '') throw new ConfigError('CAPILLARY_BASE_URL is required');
  /** @type {URL} */
  let upstream;
  try {
    upstream = new URL(baseUrl);
  } catch {
    throw new ConfigError('CAPILLARY_BASE_URL is not a URL');
  }
  if (upstream.protocol !== 'https:' && upstream.protocol !== 'http:') throw new ConfigError('CAPILLARY_BASE_URL must be http(s)');
  if (upstream.username || upstream.password) throw new ConfigError('CAPILLARY_BASE_URL must not carry credentials: use CAPILLARY_BASIC_USER/PASSWORD');
  if (upstream.search || upstream.hash) throw new ConfigError('CAPILLARY_BASE_URL must not have a query or fragment');

  const hasBasic = Boolean(basicUser || basicPassword);
  if (hasBasic && !(basicUser && basicPassword)) throw new ConfigError('CAPILLARY_BASIC_USER and CAPILLARY_BASIC_PASSWORD go together');
  if (hasBasic && bearerToken) throw new ConfigError('set either CAPILLARY_BASIC_* or CAPILLARY_BEARER_TOKEN, not both');
  if (basicUser && basicUser.includes(':')) throw new ConfigError('CAPILLARY_BASIC_USER must not contain ":"');
  const authorization = hasBasic
    ? `Basic ${Buffer.from(`${basicUser}:${basicPassword}`, 'utf8').toString('base64')}`
    : bearerToken
      ? `Bearer ${bearerToken}`
      : null;
  if (authorization && /[\r\n\0]/.test(authorization)) throw new ConfigError('credentials must not contain line breaks');

  let pathPrefix = options.pathPrefix ?? '/api/capillary';
  pathPrefix = pathPrefix.replace(/\/+$/, '');
  if (pathPrefix !== '' && (!pathPrefix.startsWith('/') || /[?#\s]/.test(pathPrefix))) {
    throw new ConfigError('PROXY_PATH_PREFIX must be a path starting with "/"');
  }

  const allowedOrigins = new Set();
  for (const entry of options.allowedOrigins ?? []) {
    if (entry === '*') throw new ConfigError('ALLOWED_ORIGINS must list origins: "*" would let any site spend these credentials');
    let origin;
    try {
      origin = new URL(entry).origin;
    } catch {
      throw new ConfigError(`ALLOWED_ORIGINS: not an origin: ${entry}`);
    }
    if (origin === 'null') throw new ConfigError(`ALLOWED_ORIGINS: not an origin: ${entry}`);
    allowedOrigins.add(origin);
  }

  const log = options.log === undefined || options.log === true ? (/** @type {string} */ line) => console.log(line) : options.log || null;
  return {
    baseUrl: upstream.href.replace(/\/+$/, ''),
    authorization,
    pathPrefix,
    allowedOrigins,
    maxBodyBytes: integer(options.maxBodyBytes, 'MAX_BODY_BYTES', 2, 1024 * 1024, 8192),
    rateLimit: integer(options.rateLimit, 'RATE_LIMIT', 0, 1_000_000, 30),
    trustProxy: options.trustProxy ?? false,
    upstreamTimeoutMs: integer(options.upstreamTimeoutMs, 'UPSTREAM_TIMEOUT_MS', 1, 300_000, 10_000),
    log,
    now: options.now ?? Date.now,
  };
}

/**
 * Token bucket per key: `perMinute` requests in a burst, refilled at `perMinute` a minute.
 * @param {number} perMinute
 * @param {() => number} now
 */
function createRateLimiter(perMinute, now) {
  /** @type {Map<string, { tokens: number, at: number }>} */
  const buckets = new Map();
  const perMs = perMinute / 60_000;

  /** @param {number} t */
  const sweep = (t) => {
    for (const [key, b] of buckets) if (b.tokens + (t - b.at) * perMs >= perMinute) buckets.delete(key);
    for (const key of buckets.keys()) {
      if (buckets.size < MAX_BUCKETS * 0.9) break;
      buckets.delete(key);
    }
  };

  return {
    /** @param {string} key @returns {number} 0 when the request may go, else the ms until it could */
    take(key) {
      const t = now();
      let b = buckets.get(key);
      if (b) {
        b.tokens = Math.min(perMinute, b.tokens + Math.max(0, t - b.at) * perMs);
        b.at = t;
      } else {
        if (buckets.size >= MAX_BUCKETS) sweep(t);
        b = { tokens: perMinute, at: t };
        buckets.set(key, b);
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - b.tokens) / perMs);
    },
  };
}

/** @param {string} address */
function unmapIPv4(address) {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * The rate-limit key: the address itself, but for IPv6 its /64, which one customer usually holds whole.
 * @param {string} address
 */
function rateKey(address) {
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.split('::');
  /** @param {string} part */
  const groups = (part) => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${all.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** @param {Req} req @param {boolean} trustProxy */
function clientAddress(req, trustProxy) {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    // Client-supplied text when the proxy in front appends rather than replaces: keep it short and printable.
    if (first) return unmapIPv4(first.slice(0, 64).replace(/[^\x21-\x7e]/g, '?'));
  }
  return unmapIPv4(req.socket.remoteAddress ?? 'unknown');
}

/**
 * The path as it may be logged: no query, no control characters, and no segment that could be a token
 * or a code (long, or with a run of digits), bounded.
 * @param {string} path
 */
function loggablePath(path) {
  return path
    .split('/')
    .map((segment) => (segment.length > 24 || /\d{4}/.test(segment) ? '…' : segment.replace(/[^\x21-\x7e]/g, '?')))
    .join('/')
    .slice(0, 120);
}

/** `application/json`, with or without parameters (`; charset=utf-8`). @param {string | undefined} header */
function isJson(header) {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** @param {string | undefined} value an Origin header @returns {string | null} its host, or null */
function originHost(value) {
  try {
    return value ? new URL(value).host.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** @param {string | string[] | undefined} value */
function firstHeader(value) {
  return (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
}

/**
 * Reads the body up to `limit` bytes. Past it, stops buffering and pauses the stream.
 * @param {Req} req
 * @param {number} limit
 * @returns {Promise<{ kind: 'ok', body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' }>}
 */
function readBody(req, limit) {
  return new Promise((resolve) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    const done = (/** @type {{ kind: 'ok', body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' }} */ result) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        done({ kind: 'too-large' });
      } else chunks.push(chunk);
    };
    const onEnd = () => done({ kind: 'ok', body: Buffer.concat(chunks, size) });
    const onAbort = () => done({ kind: 'aborted' });
    const onClose = () => {
      if (!req.complete) onAbort();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}

/**
 * Reads an upstream answer whole, up to MAX_UPSTREAM_BYTES.
 * @param {Response} response
 * @returns {Promise<Buffer | null>} null when it is bigger
 */
async function readUpstream(response) {
  if (!response.body) return Buffer.alloc(0);
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > MAX_UPSTREAM_BYTES) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(Buffer.from(value));
  }
}

const TIMEOUT = Symbol('timeout');
const SHUTDOWN = Symbol('shutdown');
const CLIENT_GONE = Symbol('client gone');

/**
 * The request handler: usable as a node:http listener, or as Express/connect middleware (mount it
 * before any body parser; it reads the raw body itself).
 * @param {ProxyOptions} options
 * @returns {ProxyHandler}
 */
export function createProxyHandler(options) {
  const config = resolveOptions(options);
  const limiter = config.rateLimit > 0 ? createRateLimiter(config.rateLimit, config.now) : null;
  const routes = new Set(ROUTES.map((route) => `${config.pathPrefix}${API_PATH}${route}`));
  /** @type {Set<AbortController>} */
  const upstreamCalls = new Set();
  let inFlight = 0;

  /** @param {Req} req @param {Res} res @param {(err?: unknown) => void} [next] */
  async function handle(req, res, next) {
    const started = performance.now();
    const rawUrl = req.originalUrl ?? req.url ?? '/';
    const path = rawUrl.split('?')[0] ?? '/';
    const underPrefix = config.pathPrefix === '' || path === config.pathPrefix || path.startsWith(`${config.pathPrefix}/`);
    if (!underPrefix && next) {
      next();
      return;
    }
    const address = clientAddress(req, config.trustProxy);
    /** @type {string | null} what the log line adds: the upstream failure kind, never a message */
    let note = null;
    inFlight += 1;
    res.once('close', () => (inFlight -= 1)); // once the answer is flushed, or the connection is gone

    /** @type {Record<string, string>} */
    const cors = {};
    const origin = req.headers.origin;
    const corsAllowed = origin !== undefined && config.allowedOrigins.has(origin);
    if (config.allowedOrigins.size > 0) cors['Vary'] = 'Origin';
    if (corsAllowed) {
      cors['Access-Control-Allow-Origin'] = origin;
      cors['Access-Control-Expose-Headers'] = 'Retry-After';
    }

    /**
     * @param {number} status
     * @param {string | Buffer} body
     * @param {Record<string, string>} [headers]
     */
    const send = (status, body, headers = {}) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, {
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        ...cors,
        ...headers,
        'Content-Length': String(Buffer.byteLength(body)),
      });
      res.end(body);
    };
    /** @param {number} status @param {string} message @param {Record<string, string>} [headers] */
    const refuse = (status, message, headers = {}) =>
      send(status, failureBody(status, message), { 'Content-Type': 'application/json', ...headers });

    try {
      await answer();
    } catch {
      note = 'internal';
      refuse(500, 'Proxy error');
    } finally {
      const status = res.headersSent ? res.statusCode : 499; // 499: the client left before an answer
      config.log?.(
        `${req.method} ${loggablePath(path)} ${status} ${Math.round(performance.now() - started)}ms ${address}${note ? ` upstream=${note}` : ''}`,
      );
    }

    async function answer() {
      const isRoute = routes.has(path);
      if (isRoute && req.method === 'OPTIONS') return preflight();

      if (limiter) {
        const waitMs = limiter.take(rateKey(address));
        if (waitMs > 0) {
          return refuse(429, 'Too many requests: try again later', { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) });
        }
      }
      if (!isRoute) return refuse(404, 'Not found');
      if (origin !== undefined && !corsAllowed && !isSameOrigin()) return refuse(403, 'Origin not allowed');
      if (req.method !== 'POST') return refuse(405, 'Method not allowed', { Allow: 'POST, OPTIONS' });
      if (!isJson(req.headers['content-type'])) return refuse(415, 'Content-Type must be application/json');
      const encoding = req.headers['content-encoding'];
      if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return refuse(415, 'Content-Encoding not supported');

      const declared = Number(req.headers['content-length']);
      if (declared > config.maxBodyBytes) return tooLarge();
      const read = await readBody(req, config.maxBodyBytes);
      if (read.kind === 'aborted') return;
      if (read.kind === 'too-large') return tooLarge();

      /** @type {unknown} */
      let parsed;
      try {
        parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(read.body));
      } catch {
        return refuse(400, 'Body is not valid JSON');
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return refuse(400, 'Body must be a JSON object');
      return forward(path.slice(config.pathPrefix.length), JSON.stringify(parsed));
    }

    function isSameOrigin() {
      const host = (config.trustProxy && firstHeader(req.headers['x-forwarded-host'])) || req.headers.host;
      const fromOrigin = originHost(origin);
      return fromOrigin !== null && host !== undefined && fromOrigin === host.toLowerCase();
    }

    function preflight() {
      if (origin === undefined || (!corsAllowed && isSameOrigin())) return send(204, '');
      if (!corsAllowed) return refuse(403, 'Origin not allowed');
      const requested = req.headers['access-control-request-headers'] ?? '';
      const headerList = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/.test(requested) && requested.length <= 512
        ? requested
        : 'Content-Type';
      return send(204, '', {
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': headerList,
        'Access-Control-Max-Age': '600',
      });
    }

    /** Answers 413 and ends the connection, so the rest of a large body is not read. */
    function tooLarge() {
      req.pause();
      res.once('finish', () => req.socket.destroySoon());
      refuse(413, `Body larger than ${config.maxBodyBytes} bytes`, { Connection: 'close' });
    }

    /** @param {string} apiPath `/auth/v1/mfa/…` @param {string} body */
    async function forward(apiPath, body) {
      /** @type {Record<string, string>} */
      const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
      for (const name of FORWARDED_REQUEST_HEADERS) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      if (config.authorization) headers['Authorization'] = config.authorization;

      const controller = new AbortController();
      upstreamCalls.add(controller);
      const timer = setTimeout(() => controller.abort(TIMEOUT), config.upstreamTimeoutMs);
      const onClientGone = () => {
        if (!res.writableFinished) controller.abort(CLIENT_GONE);
      };
      res.once('close', onClientGone);
      try {
        const upstream = await fetch(`${config.baseUrl}${apiPath}`, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: controller.signal,
        });
        const payload = await readUpstream(upstream);
        if (upstream.status >= 300 && upstream.status < 400) {
          note = 'redirect';
          return refuse(502, 'Upstream answered with a redirect');
        }
        if (payload === null) {
          note = 'too-large';
          return refuse(502, 'Upstream answer too large');
        }
        /** @type {Record<string, string>} */
        const passed = {};
        const contentType = upstream.headers.get('content-type');
        if (contentType) passed['Content-Type'] = contentType;
        const retryAfter = upstream.headers.get('retry-after');
        if (retryAfter && retryAfter.length <= 64) passed['Retry-After'] = retryAfter;
        return send(upstream.status, payload, passed);
      } catch (err) {
        const reason = controller.signal.aborted ? controller.signal.reason : null;
        if (reason === CLIENT_GONE) {
          note = 'client-gone';
          return;
        }
        if (reason === TIMEOUT) {
          note = 'timeout';
          return refuse(504, 'Upstream timed out');
        }
        if (reason === SHUTDOWN) {
          note = 'shutdown';
          return refuse(503, 'Proxy shutting down: try again', { 'Retry-After': '1' });
        }
        const cause = /** @type {{ cause?: { code?: unknown } }} */ (err).cause;
        note = typeof cause?.code === 'string' && /^[A-Z_]{1,40}$/.test(cause.code) ? cause.code : 'unreachable';
        return refuse(502, 'Upstream unreachable');
      } finally {
        clearTimeout(timer);
        res.off('close', onClientGone);
        upstreamCalls.delete(controller);
      }
    }
  }

  return {
    handle,
    inFlight: () => inFlight,
    abortAll: () => {
      for (const controller of upstreamCalls) controller.abort(SHUTDOWN);
    },
  };
}

/**
 * A node:http server running the proxy, with timeouts that keep slow clients from holding sockets.
 * @param {ProxyOptions} options
 * @returns {import('node:http').Server & { proxy: ProxyHandler }}
 */
export function createProxy(options) {
  const proxy = createProxyHandler(options);
  const server = createServer((req, res) => void proxy.handle(req, res));
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  return Object.assign(server, { proxy });
}

/**
 * @typedef {object} RunningProxy
 * @property {string} url e.g. http://127.0.0.1:8788 (the widget's base-url is url + pathPrefix)
 * @property {number} port the bound port (useful with port 0)
 * @property {(options?: { graceMs?: number }) => Promise<void>} close stops accepting, lets calls in
 *   flight finish for up to graceMs (default 5000), then ends the rest (answered 503)
 */

/**
 * @param {ProxyOptions & { port?: number, host?: string }} options
 * @returns {Promise<RunningProxy>}
 */
export async function startProxy({ port = 8788, host = '127.0.0.1', ...options }) {
  const server = createProxy(options);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = server.address();
  const bound = address && typeof address === 'object' ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  /** @type {Promise<void> | null} */
  let closing = null;
  /** Waits, up to `until`, for the requests being answered to end, closing connections as they go idle. */
  const drain = async (/** @type {number} */ until) => {
    while (server.proxy.inFlight() > 0 && Date.now() < until) {
      server.closeIdleConnections();
      await sleep(20);
    }
  };
  return {
    url: `http://${shownHost}:${bound}`,
    port: bound,
    close: ({ graceMs = 5000 } = {}) =>
      (closing ??= (async () => {
        const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
        await drain(Date.now() + graceMs);
        server.proxy.abortAll(); // upstream calls still running are answered 503
        await drain(Date.now() + 1000);
        server.closeAllConnections();
        await closed;
      })()),
  };
}

/**
 * Proxy options from environment variables, with `--port` / `--host` flags over PORT / HOST.
 * @param {NodeJS.ProcessEnv} env
 * @param {string[]} args
 * @returns {ProxyOptions & { port: number, host: string }}
 */
export function optionsFromEnv(env, args = []) {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' } } });
  /** @param {string} name */
  const number = (name, /** @type {string | undefined} */ raw = env[name]) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number`);
    return Number(raw.trim());
  };
  const flag = (/** @type {string} */ name) => {
    const raw = (env[name] ?? '').trim().toLowerCase();
    if (['', '0', 'false', 'no'].includes(raw)) return false;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    throw new ConfigError(`${name} must be 1 or 0`);
  };
  const text = (/** @type {string} */ name) => (env[name] === '' ? undefined : env[name]);
  const port = number('PORT', values.port ?? env.PORT) ?? 8788;
  if (port > 65535) throw new ConfigError('PORT must be at most 65535');
  return {
    baseUrl: env.CAPILLARY_BASE_URL ?? '',
    basicUser: text('CAPILLARY_BASIC_USER'),
    basicPassword: text('CAPILLARY_BASIC_PASSWORD'),
    bearerToken: text('CAPILLARY_BEARER_TOKEN'),
    pathPrefix: env.PROXY_PATH_PREFIX ?? '/api/capillary',
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    maxBodyBytes: number('MAX_BODY_BYTES'),
    rateLimit: number('RATE_LIMIT'),
    trustProxy: flag('TRUST_PROXY'),
    upstreamTimeoutMs: number('UPSTREAM_TIMEOUT_MS'),
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
  };
}

async function main() {
  const options = optionsFromEnv(process.env, process.argv.slice(2));
  const config = resolveOptions(options); // fail early, before listening
  const upstream = new URL(config.baseUrl);
  if (!config.authorization) console.warn('warning: no CAPILLARY_BASIC_* or CAPILLARY_BEARER_TOKEN: calls go upstream without credentials');
  if (upstream.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(upstream.hostname)) {
    console.warn('warning: CAPILLARY_BASE_URL is plain http: credentials would cross the network unencrypted');
  }
  const running = await startProxy(options);
  console.log(`Capillary proxy listening on ${running.url}${config.pathPrefix} → ${upstream.origin}`);
  const stop = () => running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof ConfigError ? `config: ${err.message}` : err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
