// @ts-check
// Load check of the forwarding server: `node sandbox/load-proxy.js [--flows 200] [--concurrency 200]`
// (run by `npm run load` after sandbox/load.js's own part).
// Starts the emulator, one Redis (test/support/redis-server.js) and TWO proxy instances sharing it,
// all in-process on 127.0.0.1 with random ports. Phase 1 runs complete MFA flows through the proxies,
// each flow alternating instances call by call, with limits too high to throttle, and reads Redis
// to show the shared limits counted every call. Phase 2 sets SEND_LIMIT 3 on both instances and sends
// 6 otp/generate for one customer, split across them: exactly 3 must pass. Exits non-zero on any
// error or a hard timeout.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startProxy } from '../proxy/index.js';
import { startRedis } from '../test/support/redis-server.js';
import { startServer } from './server.js';
import { loadArgs, mb, memoryPeak, percentile, runFlows } from './load-kit.js';

const HARD_TIMEOUT_MS = 90_000;
const API = '/api/capillary/auth/v1/mfa';
const { flows, concurrency } = loadArgs('sandbox/load-proxy.js');

/** @type {number[]} */
const durations = [];
/** @type {string[]} */
const errors = [];
/** What to stop at the end (or at the hard timeout), latest first. @type {(() => Promise<unknown>)[]} */
const cleanup = [];
const stopAll = async () => {
  for (const stop of cleanup.splice(0).reverse()) await stop().catch(() => {});
};
// Bounded whatever happens: a stuck flow (or Redis) must not keep the script (or CI) waiting.
const hardStop = setTimeout(() => {
  console.error(`hard timeout of ${HARD_TIMEOUT_MS / 1000} s reached: ${durations.length} flows done, ${errors.length} errors`);
  void Promise.race([stopAll(), new Promise((r) => setTimeout(r, 3000))]).finally(() => process.exit(1));
}, HARD_TIMEOUT_MS);
hardStop.unref();

const memory = memoryPeak();

const emulator = await startServer({ port: 0, host: '127.0.0.1', log: false });
cleanup.push(() => emulator.close());
const redis = await startRedis();
cleanup.push(() => redis.stop());
const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
await client.connect();
cleanup.push(() => client.quit());

// One emulator namespace for the whole run: the proxies' upstream, and the control calls.
const upstream = `${emulator.url}/sandbox/load-${randomUUID().slice(0, 8)}`;
const limitKeySecret = randomUUID(); // the same on every instance, as in a real deployment

/** @param {Partial<import('../proxy/index.js').ProxyOptions>} options */
async function proxyPair(options) {
  const pair = [];
  for (let i = 0; i < 2; i++) {
    const running = await startProxy({ port: 0, host: '127.0.0.1', baseUrl: upstream, redisUrl: redis.url, limitKeySecret, log: false, ...options });
    cleanup.push(() => running.close({ graceMs: 1000 }));
    pair.push(running);
  }
  return pair;
}

/** @param {string} url @param {unknown} [body] */
async function request(url, body) {
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  /** @type {any} */
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // reported below
  }
  return { status: res.status, json, text, retryAfter: res.headers.get('retry-after') };
}

/** @param {string} url @param {unknown} [body] */
async function call(url, body) {
  const { status, json, text } = await request(url, body);
  if (status !== 200 || json?.status?.success === false) throw new Error(`${new URL(url).pathname}: HTTP ${status} ${text.slice(0, 200)}`);
  return json;
}


/** Every key in Redis with its value when it is a counter (rate-limiter-flexible keeps consumed points). */
async function redisCounters() {
  /** @type {Map<string, number>} */
  const counters = new Map();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await client.type(key);
      counters.set(key, type === 'string' ? Number(await client.get(key)) : NaN);
    }
  } while (cursor !== '0');
  return counters;
}

// ---- Phase 1: complete flows through two instances sharing Redis, nothing throttled -------------
const [a, b] = await proxyPair({ rateLimit: 1_000_000, sendLimit: 1_000_000 });
const instances = [/** @type {{ url: string }} */ (a), /** @type {{ url: string }} */ (b)];

/** One complete flow; call k of flow i goes to instance (i + k) % 2. @param {number} i */
async function flow(i) {
  const started = performance.now();
  const via = (/** @type {number} */ k) => `${instances[(i + k) % 2]?.url}${API}`;
  const identity = { identifierType: 'MOBILE', identifierValue: `91${String(7_000_000_000 + i)}`, deviceId: `load-${i}`, brand: 'LoadBrand' };
  const { authorizedToken } = await call(`${upstream}/__emulator/first-factor`, { identifierValue: identity.identifierValue });
  const opened = await call(`${via(0)}/token/generate`, { ...identity, authorizedToken });
  const sessionId = opened.user.sessionId;
  await call(`${via(1)}/otp/generate`, { ...identity, sessionId });
  const { messages } = await call(`${upstream}/__emulator/outbox?identifierValue=${identity.identifierValue}`);
  if (messages.length !== 1) throw new Error(`flow ${i}: ${messages.length} messages in the outbox, expected 1`);
  const validated = await call(`${via(2)}/otp/validate`, { ...identity, sessionId, otp: messages[0].code });
  if (validated.user?.role !== 'USER') throw new Error(`flow ${i}: unexpected success body`);
  return performance.now() - started;
}

const elapsedMs = await runFlows(flows, concurrency, flow, { durations, errors });

const counters = await redisCounters();
const points = [...counters.values()].filter(Number.isFinite).reduce((sum, n) => sum + n, 0);
// With one address (127.0.0.1) and one customer per flow: 1 address key counting 3 calls a flow,
// and one send key per customer counting 1.
const expectedPoints = 3 * durations.length + durations.length;
const expectedKeys = 1 + durations.length;
// The customer keys are HMACs: no brand or identifier in clear (the address key holds the address).
const leaked = [...counters.keys()].filter((key) => key.includes('LoadBrand') || /917\d{9}/.test(key));

console.log('--- through the proxy: 2 instances sharing one Redis, in front of the emulator ---');
console.log(`flows: ${durations.length}/${flows} ok, concurrency ${concurrency}, ${(elapsedMs / 1000).toFixed(2)} s (each flow alternates instances call by call)`);
console.log(`throughput: ${(durations.length / (elapsedMs / 1000)).toFixed(1)} flows/s`);
console.log(`flow latency: p50 ${percentile(durations, 0.5).toFixed(1)} ms, p95 ${percentile(durations, 0.95).toFixed(1)} ms`);
console.log(`errors: ${errors.length}`);
for (const message of errors.slice(0, 5)) console.log(`  ${message}`);
console.log(`redis: ${counters.size} keys (expected ${expectedKeys}), ${points} points consumed (expected ${expectedPoints}); customer keys with the identifier in clear: ${leaked.length}`);
if (counters.size !== expectedKeys || points !== expectedPoints) errors.push('the Redis-backed limits did not count every call');
if (leaked.length > 0) errors.push(`limit keys carry an identifier in clear: ${leaked[0]}`);

// ---- Phase 2: SEND_LIMIT 3 shared by both instances ---------------------------------------------
const [c, d] = await proxyPair({ rateLimit: 1_000_000, sendLimit: 3 });
const pair = [/** @type {{ url: string }} */ (c), /** @type {{ url: string }} */ (d)];
const customer = { identifierType: 'MOBILE', identifierValue: '918000000001', deviceId: 'load-send', brand: 'LoadBrand' };
const minted = await call(`${upstream}/__emulator/first-factor`, { identifierValue: customer.identifierValue });
const opened = await call(`${pair[0]?.url}${API}/token/generate`, { ...customer, authorizedToken: minted.authorizedToken });
const sends = await Promise.all(
  Array.from({ length: 6 }, (_, k) => request(`${pair[k % 2]?.url}${API}/otp/generate`, { ...customer, sessionId: opened.user.sessionId })),
);
const passed = sends.filter((s) => s.status === 200 && s.json?.status?.success === true);
const limited = sends.filter((s) => s.status === 429 && s.json?.status?.code === 429 && /^\d+$/.test(s.retryAfter ?? ''));
const box = await call(`${upstream}/__emulator/outbox?identifierValue=${customer.identifierValue}`);
console.log('--- shared send limit: SEND_LIMIT 3 on both instances, 6 otp/generate for one customer, 3 to each ---');
console.log(`passed: ${passed.length}, refused 429: ${limited.length} (Retry-After: ${limited.map((s) => s.retryAfter).join(', ')} s), codes sent by the emulator: ${box.messages.length}`);
if (passed.length !== 3 || limited.length !== 3 || box.messages.length !== 3) {
  errors.push(`shared send limit: ${passed.length} passed, ${limited.length} refused, ${box.messages.length} sent; expected 3/3/3 (${sends.map((s) => s.status).join(',')})`);
}

const peak = memory.stop();
console.log(`peak memory of this process (emulator + 2×2 proxies + clients): rss ${mb(peak.rss)}, heap used ${mb(peak.heapUsed)}`);
const redisMemory = /^used_memory:(\d+)/m.exec(await client.info('memory'))?.[1];
console.log(`redis-server (a process of its own): used_memory ${redisMemory ? mb(Number(redisMemory)) : '?'}`);
await stopAll();
if (errors.length > 0) console.error(`FAILED: ${errors.length} error(s)${errors.length > 0 ? `: ${errors.at(-1)}` : ''}`);
process.exit(errors.length > 0 ? 1 : 0);
