// @ts-check
// The forwarding server's two limits: requests per client address (an IPv6 client counted by its /64)
// and otp/generate calls per customer identity (brand, identifier type, identifier value) across all
// addresses. In this process's memory, or in Redis when a client is given, so that every instance
// behind a load balancer shares one count.
//
// Redis outage policy: each limiter carries an in-memory "insurance" limiter with the same points and
// window. While Redis cannot answer, every instance keeps enforcing the limit on its own, so logins keep
// working and SMS pumping stays bounded by (number of instances) × the limit: neither fail-open
// (unlimited) nor fail-closed (nobody can log in). Counts go back to Redis as soon as it answers again.
import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** @typedef {{ ok: true } | { ok: false, retryAfterSeconds: number }} LimitResult */
/** @typedef {{ brand: string, identifierType: string, identifierValue: string }} Identity */
/**
 * @typedef {object} Limits
 * @property {(address: string) => Promise<LimitResult>} takeAddress counts one request from `address`
 * @property {(identity: Identity) => Promise<LimitResult>} takeSend counts one otp/generate for the identity
 * @property {(identity: Identity) => Promise<void>} refundSend gives one back: the call sent no code (refused upstream)
 * @property {() => Promise<void>} close stops the limits (does not close a Redis client it was given)
 */

/** At most one line of each kind in this many ms. */
const LOG_EVERY_MS = 30_000;

/**
 * @param {((line: string) => void) | null | undefined} log
 * @returns {(line: string) => void} logs a line unless one was logged in the last 30 s
 */
function rateLimitedLog(log) {
  let last = -Infinity;
  return (line) => {
    const now = Date.now();
    if (!log || now - last < LOG_EVERY_MS) return;
    last = now;
    log(line);
  };
}

/** @param {string} address */
function unmapIPv4(address) {
  return /^::ffff:/i.test(address) && address.includes('.') ? address.slice(7) : address;
}

/**
 * The per-address limit key: an IPv4 address as is (an IPv4-mapped IPv6 address unmapped), an IPv6
 * address as its /64, which one customer usually holds whole (`2001:db8:1:2::/64`).
 * @param {string} address
 * @returns {string}
 */
export function addressKey(address) {
  const unmapped = unmapIPv4(address.trim());
  const bare = unmapped.replace(/%.*$/, ''); // zone id (fe80::1%eth0)
  if (!isIPv6(bare)) return unmapped;
  const [head = '', tail] = bare.split('::');
  /** @param {string} part */
  const groups = (part) => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${all
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * The identifier as counted, so that one customer written several ways is one count: trimmed; EMAIL
 * and USERNAME lowercased (a vendor that matches them without case would otherwise give each casing a
 * budget of its own); MOBILE digits only, without leading zeros ("+91 98765 43210", "0091 98765 43210"
 * and "919876543210" are one customer: E.164 numbers never start with 0, 00 is a dialling prefix).
 * @param {string} identifierType @param {string} identifierValue
 */
function normaliseIdentifier(identifierType, identifierValue) {
  const value = String(identifierValue ?? '').trim();
  const type = String(identifierType ?? '').trim().toUpperCase();
  if (type === 'MOBILE') return value.replace(/\D/g, '').replace(/^0+/, '');
  if (type === 'EMAIL' || type === 'USERNAME') return value.toLowerCase();
  return value;
}

/**
 * The per-identity key: an HMAC, so that neither Redis nor a memory dump holds the identifier in clear.
 * The brand is counted without case too: "Bukl" and "BUKL" must not be two budgets for one customer.
 * @param {string} keySecret @param {Identity} identity
 */
function identityKey(keySecret, { brand, identifierType, identifierValue }) {
  const type = String(identifierType ?? '').trim().toUpperCase();
  return createHmac('sha256', keySecret)
    .update(`${String(brand ?? '').trim().toLowerCase()}\0${type}\0${normaliseIdentifier(type, identifierValue)}`)
    .digest('hex');
}

/**
 * @param {{ addressPoints: number, addressWindowSec?: number, sendPoints: number, sendWindowSec?: number,
 *   keySecret: string, redis?: object | null, keyPrefix?: string,
 *   log?: ((line: string) => void) | null }} options
 *   Points 0 (or less) turns that limit off. `redis`: a connected ioredis client (see connectRedis).
 * @returns {Limits}
 */
export function createLimits({
  addressPoints,
  addressWindowSec = 60,
  sendPoints,
  sendWindowSec = 900,
  keySecret,
  redis = null,
  keyPrefix = 'mfa-otp-proxy',
  log = null,
}) {
  if (sendPoints > 0 && (typeof keySecret !== 'string' || keySecret === '')) {
    throw new Error('createLimits: keySecret (a non-empty string) is required for the send limit');
  }
  const logFallback = rateLimitedLog(log);
  const logError = rateLimitedLog(log);

  /**
   * @param {number} points @param {number} duration @param {string} prefix
   * @returns {RateLimiterMemory | RateLimiterRedis | null}
   */
  const make = (points, duration, prefix) => {
    if (!(points > 0)) return null;
    const opts = { points: Math.floor(points), duration: Math.max(1, Math.ceil(duration)), keyPrefix: `${keyPrefix}:${prefix}` };
    if (!redis) return new RateLimiterMemory(opts);
    // Used only when Redis could not answer: log it (at most every 30 s) and count in memory.
    class Insurance extends RateLimiterMemory {
      /** @type {RateLimiterMemory['consume']} */
      consume(key, pointsToConsume, options) {
        logFallback(
          'rate limits: Redis is unavailable; each instance limits in its own memory until it is back (limits are per instance meanwhile)',
        );
        return super.consume(key, pointsToConsume, options);
      }
    }
    return new RateLimiterRedis({
      ...opts,
      storeClient: redis,
      useRedisPackage: false,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new Insurance(opts),
    });
  };

  const address = make(addressPoints, addressWindowSec, 'addr');
  const send = make(sendPoints, sendWindowSec, 'send');
  let closed = false;

  /**
   * @param {RateLimiterMemory | RateLimiterRedis | null} limiter @param {string} key @param {string} what
   * @returns {Promise<LimitResult>}
   */
  const take = async (limiter, key, what) => {
    if (!limiter || closed) return { ok: true };
    try {
      await limiter.consume(key);
      return { ok: true };
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      }
      // Not a refusal but a failure of the limiter itself: never fail the request for it.
      logError(`rate limits: the ${what} limit could not be checked (${err instanceof Error ? err.message : String(err)}); request let through`);
      return { ok: true };
    }
  };

  return {
    takeAddress: (addr) => take(address, addressKey(String(addr ?? '')), 'address'),
    takeSend: (identity) => take(send, send ? identityKey(keySecret, identity) : '', 'send'),
    // Counted before the call goes out (so that a burst cannot slip past the limit), given back when
    // Capillary refused it: otherwise anyone who knows a customer's number could use up that
    // customer's codes with made-up session IDs.
    refundSend: async (identity) => {
      if (!send || closed) return;
      try {
        const key = identityKey(keySecret, identity);
        // When the window ended during the call there is nothing to give back: a reward would open
        // the next window one below zero, one extra code.
        const current = await send.get(key);
        if (!current || current.consumedPoints <= 0) return;
        await send.reward(key, 1);
      } catch (err) {
        logError(`rate limits: a refused send could not be given back (${err instanceof Error ? err.message : String(err)})`);
      }
    },
    close: async () => {
      closed = true;
    },
  };
}

/**
 * Connects to Redis with ioredis (an optional peer dependency), set to fail fast while Redis is down
 * (no offline queue, one retry per command, 1 s connect timeout) or stalled (a command unanswered
 * for 500 ms fails: a Redis that hangs, or a network that drops packets without closing the
 * connection, would otherwise hold every request), and to keep reconnecting in the background. Waits up to about a second for the first connection, then returns the client either way:
 * the limits fall back to memory until it is ready. Connection errors are logged at most every 30 s,
 * never with the URL's password.
 * @param {string} url e.g. redis://:password@host:6379/0 or rediss://…
 * @param {(line: string) => void} [log]
 * @returns {Promise<import('ioredis').Redis>}
 */
export async function connectRedis(url, log) {
  let mod;
  try {
    mod = await import('ioredis');
  } catch (err) {
    const code = /** @type {{ code?: string }} */ (err)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error('A Redis URL is configured but the "ioredis" package is not installed: run `npm install ioredis`');
    }
    throw err;
  }
  const Redis = mod.Redis ?? mod.default;

  /** @type {string[]} */
  const secrets = [];
  try {
    const { password } = new URL(url);
    if (password) secrets.push(password, decodeURIComponent(password));
  } catch {
    // not a URL: ioredis reports it
  }
  /** @param {string} text */
  const redact = (text) => secrets.reduce((t, s) => (s ? t.split(s).join('[redacted]') : t), text);
  const logError = rateLimitedLog(log);

  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    // Redis answers in well under a millisecond on a private network; past this the limit is counted
    // in memory for that request (the insurance limiter) rather than waited for.
    commandTimeout: 500,
    lazyConnect: false,
    // Keep reconnecting, backing off up to a second between attempts.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), 1000),
  });
  let down = false;
  client.on('error', (/** @type {Error} */ err) => {
    down = true;
    logError(`redis: ${redact(err?.message ?? String(err))} (reconnecting; limits are per instance meanwhile)`);
  });
  client.on('ready', () => {
    if (down) log?.('redis: connected again; limits are shared again');
    down = false;
  });

  await new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve(undefined);
    };
    const timer = setTimeout(done, 1500);
    client.once('ready', done);
    client.once('error', done);
  });
  if (client.status !== 'ready') {
    logError('redis: not reachable at start (reconnecting; limits are per instance meanwhile)');
  }
  return client;
}
