// @ts-check
// The forwarding server's configuration: what a site may set (in code or through environment
// variables), checked once at start so that a mistake stops the server rather than a request.
// Never puts a credential into an error message.
import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';
import proxyAddr from 'proxy-addr';

export class ConfigError extends Error {}

/**
 * @typedef {object} ProxyOptions
 * @property {string} baseUrl upstream Capillary host (may carry a path), e.g. https://eu.api.capillarytech.com
 * @property {string} [basicUser] with basicPassword: `Authorization: Basic …` added to each forwarded call
 * @property {string} [basicPassword]
 * @property {string} [bearerToken] `Authorization: Bearer …` added to each forwarded call (not with basic)
 * @property {string} [pathPrefix] where the three routes are served; default `/api/capillary`
 * @property {string[]} [allowedOrigins] other origins allowed to call (CORS); default none
 * @property {string[]} [publicOrigins] the origins the site itself is served at (same-origin behind a proxy)
 * @property {boolean | number | string | string[]} [trustProxy] which proxies in front may name the client
 *   in X-Forwarded-For: false (default), a hop count, or addresses/CIDRs/`loopback`/`linklocal`/`uniquelocal`
 * @property {string} [brand] when set, requests for any other brand are refused
 * @property {number} [rateLimit] requests per minute per client address (IPv6: per /64); default 30; 0 = off
 * @property {number} [sendLimit] otp/generate calls per customer per window, across addresses; default 5; 0 = off
 * @property {number} [sendWindowSeconds] the send limit's window; default 900
 * @property {string} [redisUrl] keep the limits in this Redis (several instances); default: in memory
 * @property {object | null} [redis] an ioredis client to keep the limits in (instead of redisUrl)
 * @property {string} [limitKeySecret] HMAC secret for the per-customer keys; default derived from the credentials
 * @property {number} [maxBodyBytes] request body cap; default 8192
 * @property {number} [upstreamTimeoutMs] whole upstream call (connect to last byte); default 10000
 * @property {number} [headersTimeoutMs] a client's time to send its headers; default 10000
 * @property {number} [requestTimeoutMs] a client's time to send its whole request; default 15000
 * @property {number} [maxConnections] open client connections at most; default 1024
 * @property {number} [maxInFlight] requests being answered at most, past it 503; default 256
 * @property {number} [upstreamConnections] sockets to Capillary at most; default 64
 * @property {boolean | ((line: string) => void)} [log] one line per request; true (default) = console.log
 */

/**
 * @typedef {object} Config
 * @property {string} baseUrl without a trailing slash
 * @property {string | null} authorization the header value added upstream, or null
 * @property {string[]} secrets the credentials in every form an upstream answer might echo them
 * @property {string} pathPrefix '' or '/x…' without a trailing slash
 * @property {Set<string>} allowedOrigins
 * @property {Set<string>} publicOrigins
 * @property {(address: string, hop: number) => boolean} trust proxy-addr's compiled trust function
 * @property {boolean} trustsAll TRUST_PROXY=true: every hop trusted (the client names itself)
 * @property {string | null} brand
 * @property {number} rateLimit
 * @property {number} sendLimit
 * @property {number} sendWindowSeconds
 * @property {string | null} redisUrl
 * @property {object | null} redis
 * @property {string} limitKeySecret
 * @property {number} maxBodyBytes
 * @property {number} upstreamTimeoutMs
 * @property {number} headersTimeoutMs
 * @property {number} requestTimeoutMs
 * @property {number} maxConnections
 * @property {number} maxInFlight
 * @property {number} upstreamConnections
 * @property {((line: string) => void) | null} log
 */

/** @param {unknown} value @param {string} name @param {number} min @param {number} max @param {number} fallback */
function integer(value, name, min, max, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** @param {string[] | undefined} entries @param {string} name */
function origins(entries, name) {
  const set = new Set();
  for (const entry of entries ?? []) {
    if (entry === '*') throw new ConfigError(`${name} must list origins: "*" would let any site spend these credentials`);
    let origin;
    try {
      origin = new URL(entry).origin;
    } catch {
      throw new ConfigError(`${name}: not an origin: ${entry}`);
    }
    if (origin === 'null') throw new ConfigError(`${name}: not an origin: ${entry}`);
    set.add(origin);
  }
  return set;
}

/**
 * TRUST_PROXY as Express reads it: a hop count trusts that many proxies nearest the server; a list
 * trusts those addresses; the client is then the first address, read from the right, that is not trusted.
 * @param {ProxyOptions['trustProxy']} value
 * @returns {{ trust: (address: string, hop: number) => boolean, trustsAll: boolean }}
 */
function compileTrust(value) {
  if (value === undefined || value === false) return { trust: () => false, trustsAll: false };
  if (value === true) return { trust: () => true, trustsAll: true };
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 32) throw new ConfigError('TRUST_PROXY hop count must be 0 to 32');
    return { trust: (_address, hop) => hop < value, trustsAll: false };
  }
  const list = (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter(Boolean);
  try {
    return { trust: proxyAddr.compile(list), trustsAll: false };
  } catch (err) {
    throw new ConfigError(`TRUST_PROXY: ${err instanceof Error ? err.message : 'not a list of addresses'}`);
  }
}

/**
 * Checks and completes the options.
 * @param {ProxyOptions} options
 * @returns {Config}
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
  const basic = hasBasic ? Buffer.from(`${basicUser}:${basicPassword}`, 'utf8').toString('base64') : null;
  const authorization = basic ? `Basic ${basic}` : bearerToken ? `Bearer ${bearerToken}` : null;
  if (authorization && /[\r\n\0]/.test(authorization)) throw new ConfigError('credentials must not contain line breaks');
  // Every form an answer could echo the credentials in; short ones (under 6 characters) would
  // redact ordinary words, and are not worth a secret's name anyway.
  const secrets = [authorization, basic, bearerToken, hasBasic ? `${basicUser}:${basicPassword}` : null, basicPassword]
    .filter((s) => typeof s === 'string' && s.length >= 6)
    .map(String)
    .sort((a, b) => b.length - a.length);

  let pathPrefix = (options.pathPrefix ?? '/api/capillary').replace(/\/+$/, '');
  if (pathPrefix !== '' && (!pathPrefix.startsWith('/') || /[?#\s]/.test(pathPrefix))) {
    throw new ConfigError('PROXY_PATH_PREFIX must be a path starting with "/"');
  }

  const brand = options.brand?.trim() || null;
  if (brand !== null && brand.length > 256) throw new ConfigError('BRAND is longer than 256 characters');
  if (options.redisUrl !== undefined && options.redisUrl !== '' && !/^rediss?:\/\//.test(options.redisUrl)) {
    throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  }
  const normalisedBase = upstream.href.replace(/\/+$/, '');
  // Instances with the same configuration must agree on the key of a customer without sharing
  // anything else, and the key must not be computable by someone who has only the customer's number.
  const limitKeySecret = options.limitKeySecret
    || createHmac('sha256', 'mfa-otp-flow proxy limit keys').update(`${normalisedBase}\0${authorization ?? ''}`).digest('hex');

  const headersTimeoutMs = integer(options.headersTimeoutMs, 'HEADERS_TIMEOUT_MS', 100, 300_000, 10_000);
  const requestTimeoutMs = integer(options.requestTimeoutMs, 'REQUEST_TIMEOUT_MS', 100, 600_000, 15_000);
  // node:http refuses a server whose headers may take longer than the whole request.
  if (headersTimeoutMs > requestTimeoutMs) throw new ConfigError('HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS');
  const log = options.log === undefined || options.log === true ? (/** @type {string} */ line) => console.log(line) : options.log || null;
  return {
    baseUrl: normalisedBase,
    authorization,
    secrets,
    pathPrefix,
    allowedOrigins: origins(options.allowedOrigins, 'ALLOWED_ORIGINS'),
    publicOrigins: origins(options.publicOrigins, 'PUBLIC_ORIGINS'),
    ...compileTrust(options.trustProxy),
    brand,
    rateLimit: integer(options.rateLimit, 'RATE_LIMIT', 0, 1_000_000, 30),
    sendLimit: integer(options.sendLimit, 'SEND_LIMIT', 0, 1_000_000, 5),
    sendWindowSeconds: integer(options.sendWindowSeconds, 'SEND_WINDOW_SECONDS', 1, 86_400, 900),
    redisUrl: options.redisUrl || null,
    redis: options.redis ?? null,
    limitKeySecret,
    maxBodyBytes: integer(options.maxBodyBytes, 'MAX_BODY_BYTES', 2, 1024 * 1024, 8192),
    upstreamTimeoutMs: integer(options.upstreamTimeoutMs, 'UPSTREAM_TIMEOUT_MS', 1, 300_000, 10_000),
    headersTimeoutMs,
    requestTimeoutMs,
    maxConnections: integer(options.maxConnections, 'MAX_CONNECTIONS', 1, 1_000_000, 1024),
    maxInFlight: integer(options.maxInFlight, 'MAX_IN_FLIGHT', 1, 1_000_000, 256),
    upstreamConnections: integer(options.upstreamConnections, 'UPSTREAM_CONNECTIONS', 1, 10_000, 64),
    log,
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
  const text = (/** @type {string} */ name) => (env[name] === '' ? undefined : env[name]);
  const list = (/** @type {string} */ name) => (env[name] ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  const port = number('PORT', values.port ?? env.PORT) ?? 8788;
  if (port > 65535) throw new ConfigError('PORT must be at most 65535');
  return {
    baseUrl: env.CAPILLARY_BASE_URL ?? '',
    basicUser: text('CAPILLARY_BASIC_USER'),
    basicPassword: text('CAPILLARY_BASIC_PASSWORD'),
    bearerToken: text('CAPILLARY_BEARER_TOKEN'),
    pathPrefix: env.PROXY_PATH_PREFIX ?? '/api/capillary',
    allowedOrigins: list('ALLOWED_ORIGINS'),
    publicOrigins: list('PUBLIC_ORIGINS'),
    trustProxy: trustFromEnv(env.TRUST_PROXY),
    brand: text('BRAND'),
    rateLimit: number('RATE_LIMIT'),
    sendLimit: number('SEND_LIMIT'),
    sendWindowSeconds: number('SEND_WINDOW_SECONDS'),
    redisUrl: text('REDIS_URL'),
    limitKeySecret: text('LIMIT_KEY_SECRET'),
    maxBodyBytes: number('MAX_BODY_BYTES'),
    upstreamTimeoutMs: number('UPSTREAM_TIMEOUT_MS'),
    headersTimeoutMs: number('HEADERS_TIMEOUT_MS'),
    requestTimeoutMs: number('REQUEST_TIMEOUT_MS'),
    maxConnections: number('MAX_CONNECTIONS'),
    maxInFlight: number('MAX_IN_FLIGHT'),
    upstreamConnections: number('UPSTREAM_CONNECTIONS'),
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
  };
}

/**
 * TRUST_PROXY's text: empty/0/false = none, a whole number = hops, true = all, else a list.
 * @param {string | undefined} raw
 * @returns {ProxyOptions['trustProxy']}
 */
function trustFromEnv(raw) {
  const value = (raw ?? '').trim();
  if (['', 'false', 'no'].includes(value.toLowerCase())) return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
