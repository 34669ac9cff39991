// @ts-check
// The forwarding server's limits in a real Redis (proxy/limiter.js): shared by instances, expiring with
// their window, no identifier in clear in any key, and the outage policy (each instance keeps limiting
// in memory while Redis is down, shared again once it is back), first on the limiter, then through two
// real proxy instances (startProxy) in front of a fake upstream. Needs redis-server (.ci/run installs it).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startProxy } from '../../proxy/index.js';
import { connectRedis, createLimits } from '../../proxy/limiter.js';
import { fakeCapillary as fakeUpstream } from '../support/fake-capillary.js';
import { answer } from '../support/http-answer.js';
import { startRedis } from '../support/redis-server.js';

const SECRET = 'test-secret';

/** @type {Awaited<ReturnType<typeof startRedis>>} */
let redis;
/** @type {import('ioredis').Redis} */
let c1;
/** @type {import('ioredis').Redis} */
let c2;
/** @type {string[]} */
const logs = [];
const log = (/** @type {string} */ line) => void logs.push(line);
let prefixes = 0;

/** Two instances, each with its own Redis client, under a key prefix of their own (one per test). */
function pair(/** @type {Partial<Parameters<typeof createLimits>[0]>} */ options = {}) {
  const keyPrefix = `t${++prefixes}`;
  const common = { addressPoints: 5, sendPoints: 5, keySecret: SECRET, keyPrefix, log, ...options };
  return { keyPrefix, a: createLimits({ ...common, redis: c1 }), b: createLimits({ ...common, redis: c2 }) };
}

/** @param {string} match @returns {Promise<string[]>} every key matching, by SCAN */
async function scanKeys(match = '*') {
  /** @type {string[]} */
  const keys = [];
  let cursor = '0';
  do {
    const [next, batch] = await c1.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** @param {() => boolean} condition @param {number} ms */
async function waitFor(condition, ms) {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(20);
  }
}

/** @template T @param {() => Promise<T>} fn @returns {Promise<T>} fn's answer, asserting it came within 2 s */
async function quick(fn) {
  const started = Date.now();
  const result = await fn();
  const took = Date.now() - started;
  assert.ok(took < 2000, `answered in ${took} ms`);
  return result;
}

before(async () => {
  redis = await startRedis();
  c1 = await connectRedis(redis.url, log);
  c2 = await connectRedis(redis.url, log);
  assert.equal(c1.status, 'ready');
  assert.equal(c2.status, 'ready');
});

after(async () => {
  c1?.disconnect();
  c2?.disconnect();
  await redis?.stop();
});

describe('proxy limits in Redis', () => {
  test('two instances on one Redis share a limit: 5 pass across both, the 6th is refused on either', async () => {
    const { a, b } = pair({ addressPoints: 5, sendPoints: 5 });
    const addr = '203.0.113.1';
    for (let i = 0; i < 5; i++) assert.deepEqual(await (i % 2 ? b : a).takeAddress(addr), { ok: true }, `take ${i + 1}`);
    const refusedA = await a.takeAddress(addr);
    const refusedB = await b.takeAddress(addr);
    assert.ok(!refusedA.ok && refusedA.retryAfterSeconds >= 1 && refusedA.retryAfterSeconds <= 60);
    assert.equal(refusedB.ok, false);

    const who = { brand: 'acme', identifierType: 'MOBILE', identifierValue: '+91 98765 43210' };
    for (let i = 0; i < 5; i++) assert.deepEqual(await (i % 2 ? b : a).takeSend(who), { ok: true });
    assert.equal((await b.takeSend(who)).ok, false);
    assert.equal((await a.takeSend({ ...who, identifierValue: '919876543210' })).ok, false, 'normalised in Redis too');
  });

  test('two memory-only instances do not share: each lets its own 5 through', async () => {
    const a = createLimits({ addressPoints: 5, sendPoints: 5, keySecret: SECRET });
    const b = createLimits({ addressPoints: 5, sendPoints: 5, keySecret: SECRET });
    const addr = '203.0.113.1';
    for (let i = 0; i < 5; i++) assert.deepEqual(await a.takeAddress(addr), { ok: true });
    assert.equal((await a.takeAddress(addr)).ok, false);
    for (let i = 0; i < 5; i++) assert.deepEqual(await b.takeAddress(addr), { ok: true }, 'b has its own count');
  });

  test('keys carry the window as their TTL and the limit resets after it', async () => {
    const { a, b, keyPrefix } = pair({ addressPoints: 2, addressWindowSec: 1, sendPoints: 1, sendWindowSec: 1 });
    const who = { brand: 'acme', identifierType: 'EMAIL', identifierValue: 'ttl@example.com' };
    assert.deepEqual(await a.takeAddress('198.51.100.5'), { ok: true });
    assert.deepEqual(await b.takeAddress('198.51.100.5'), { ok: true });
    assert.deepEqual(await a.takeSend(who), { ok: true });
    assert.equal((await b.takeAddress('198.51.100.5')).ok, false);
    assert.equal((await b.takeSend(who)).ok, false);

    const keys = await scanKeys(`${keyPrefix}:*`);
    assert.equal(keys.length, 2, keys.join(', '));
    for (const key of keys) {
      const ttl = await c1.pttl(key);
      assert.ok(ttl > 0 && ttl <= 1000, `${key} pttl ${ttl}`);
    }

    await sleep(1100);
    assert.deepEqual(await scanKeys(`${keyPrefix}:*`), [], 'the keys expired');
    assert.deepEqual(await b.takeAddress('198.51.100.5'), { ok: true });
    assert.deepEqual(await b.takeSend(who), { ok: true });
  });

  test('no key holds an identifier in clear; address keys are readable', async () => {
    const { a } = pair();
    const values = ['Ann.Private@Example.com', '+91 98765 43210', 'SomeUser42'];
    await a.takeSend({ brand: 'acme', identifierType: 'EMAIL', identifierValue: values[0] ?? '' });
    await a.takeSend({ brand: 'acme', identifierType: 'MOBILE', identifierValue: values[1] ?? '' });
    await a.takeSend({ brand: 'acme', identifierType: 'USERNAME', identifierValue: values[2] ?? '' });
    await a.takeAddress('192.0.2.77');
    const keys = await scanKeys();
    assert.ok(keys.length >= 4, keys.join(', '));
    const forbidden = ['ann.private', 'example', '98765', '9876543210', 'someuser42', 'acme'];
    for (const key of keys) {
      for (const bit of forbidden) assert.ok(!key.toLowerCase().includes(bit), `${key} contains ${bit}`);
    }
    // the positive beside it: the scan does see the keys written (an address is not an identifier)
    assert.ok(keys.some((k) => k.endsWith(':addr:192.0.2.77')), keys.join(', '));
    assert.ok(keys.some((k) => /:send:[0-9a-f]{64}$/.test(k)), keys.join(', '));
  });

  test('Redis down: answers stay quick and each instance keeps limiting in memory; back up: shared again', async () => {
    const { a, b } = pair({ addressPoints: 3, sendPoints: 2 });
    logs.length = 0;
    await redis.stop();
    try {
      const addr = '198.51.100.9';
      for (let i = 0; i < 3; i++) assert.deepEqual(await quick(() => a.takeAddress(addr)), { ok: true }, `a take ${i + 1}`);
      const refused = await quick(() => a.takeAddress(addr));
      assert.ok(!refused.ok && refused.retryAfterSeconds >= 1, 'never unlimited: a refuses its 4th');
      // per instance meanwhile: b has its own count (at most instances × the limit)
      for (let i = 0; i < 3; i++) assert.deepEqual(await quick(() => b.takeAddress(addr)), { ok: true }, `b take ${i + 1}`);
      assert.equal((await quick(() => b.takeAddress(addr))).ok, false);

      const who = { brand: 'acme', identifierType: 'EMAIL', identifierValue: 'down@example.com' };
      assert.deepEqual(await quick(() => a.takeSend(who)), { ok: true });
      assert.deepEqual(await quick(() => a.takeSend(who)), { ok: true });
      assert.equal((await quick(() => a.takeSend(who))).ok, false, 'send limit kept during the outage');

      assert.ok(
        logs.some((l) => /Redis is unavailable/.test(l)),
        `one line logged on fallback: ${JSON.stringify(logs)}`,
      );
      assert.equal(logs.filter((l) => /Redis is unavailable/.test(l)).length, 2, 'rate-limited: one line per instance, not one per request');
    } finally {
      await redis.start();
    }
    await waitFor(() => c1.status === 'ready' && c2.status === 'ready', 8000);

    const addr = '198.51.100.10';
    assert.deepEqual(await a.takeAddress(addr), { ok: true });
    assert.deepEqual(await b.takeAddress(addr), { ok: true });
    assert.deepEqual(await a.takeAddress(addr), { ok: true });
    assert.equal((await b.takeAddress(addr)).ok, false, 'shared again: 3 across both');
  });

  test('Redis hung (connections open, nothing answered): each take falls back within about 500 ms and still limits; resumed: shared again', async () => {
    const { a, b } = pair({ addressPoints: 2, sendPoints: 0 });
    logs.length = 0;
    redis.pause();
    try {
      const addr = '198.51.100.20';
      const started = Date.now();
      assert.deepEqual(await quick(() => a.takeAddress(addr)), { ok: true });
      assert.ok(Date.now() - started >= 400, 'waited for the command timeout, not refused at once');
      assert.deepEqual(await quick(() => a.takeAddress(addr)), { ok: true });
      assert.equal((await quick(() => a.takeAddress(addr))).ok, false, 'never unlimited: the 3rd is refused in memory');
      assert.ok(logs.some((l) => /Redis is unavailable/.test(l)), JSON.stringify(logs));
    } finally {
      redis.resume();
    }
    await waitFor(() => c1.status === 'ready' && c2.status === 'ready', 8000);
    const addr = '198.51.100.21';
    assert.deepEqual(await a.takeAddress(addr), { ok: true });
    assert.deepEqual(await b.takeAddress(addr), { ok: true });
    assert.equal((await a.takeAddress(addr)).ok, false, 'shared again: 2 across both');
  });

  test('Redis unreachable at start: connectRedis returns quickly, logs without the password, limits still apply', async () => {
    const dead = await startRedis();
    await dead.stop(); // a port with nothing listening
    const started = Date.now();
    /** @type {string[]} */
    const lines = [];
    const client = await connectRedis(`redis://:pa55-word-xyz@127.0.0.1:${dead.port}`, (l) => void lines.push(l));
    try {
      assert.ok(Date.now() - started < 2500, `connectRedis took ${Date.now() - started} ms`);
      assert.notEqual(client.status, 'ready');
      assert.ok(lines.length > 0, 'the failure is logged');
      assert.ok(lines.every((l) => !l.includes('pa55-word-xyz')), JSON.stringify(lines));
      const l = createLimits({ addressPoints: 1, sendPoints: 1, keySecret: SECRET, redis: client });
      assert.deepEqual(await quick(() => l.takeAddress('192.0.2.1')), { ok: true });
      assert.equal((await quick(() => l.takeAddress('192.0.2.1'))).ok, false);
    } finally {
      client.disconnect();
    }
  });
});


/**
 * Two proxy instances on one Redis (each opens its own connection from REDIS_URL), trusting the
 * loopback hop so that a test can speak for several client addresses through X-Forwarded-For.
 * @param {import('node:test').TestContext} t
 * @param {Partial<import('../../proxy/index.js').ProxyOptions>} options
 */
async function proxies(t, options) {
  const upstream = await fakeUpstream(t);
  /** @type {string[]} */
  const lines = [];
  const common = {
    port: 0,
    host: '127.0.0.1',
    baseUrl: upstream.url,
    redisUrl: redis.url,
    limitKeySecret: SECRET,
    trustProxy: 'loopback',
    log: (/** @type {string} */ line) => void lines.push(line),
    ...options,
  };
  const a = await startProxy(common);
  const b = await startProxy(common);
  t.after(() => Promise.all([a.close({ graceMs: 0 }), b.close({ graceMs: 0 })]));
  const api = (/** @type {{ url: string }} */ p) => `${p.url}/api/capillary/auth/v1/mfa`;
  /** @param {{ url: string }} p @param {string} route @param {object} body @param {string} from the client address */
  const post = async (p, route, body, from) =>
    answer(await fetch(`${api(p)}/${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': from },
      body: JSON.stringify(body),
    }));
  /** @param {string} route how many calls for it reached the vendor */
  const callsTo = (route) => upstream.calls.filter((call) => call.url === `/auth/v1/mfa/${route}`).length;
  return { a, b, post, callsTo, lines };
}

/** The element's body for a route, for one customer. @param {string} identifierValue */
const bodies = (identifierValue) => {
  const identity = { identifierType: 'MOBILE', identifierValue, deviceId: 'device-1', brand: 'Bukl' };
  return { generate: { ...identity, sessionId: 'P-1' }, validate: { ...identity, sessionId: 'P-1', otp: '123456' } };
};

/** @param {import('../support/http-answer.js').Answer} res */
function assertLimited(res) {
  assert.equal(res.status, 429, res.text);
  assert.match(res.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
  assert.equal(res.json?.status?.success, false, 'the vendor failure shape');
  assert.equal(res.json?.status?.code, 429);
}

describe('two proxy instances sharing one Redis', () => {
  test('RATE_LIMIT 5 for one address: 5 pass across both instances, the 6th is refused on either; another address is served', async (t) => {
    const { a, b, post, callsTo } = await proxies(t, { rateLimit: 5, sendLimit: 0 });
    const { validate } = bodies('918000000101');
    for (let i = 0; i < 5; i++) {
      const res = await post(i % 2 ? b : a, 'otp/validate', validate, '203.0.113.21');
      assert.equal(res.status, 200, `request ${i + 1}: ${res.text}`);
    }
    assertLimited(await post(a, 'otp/validate', validate, '203.0.113.21'));
    assertLimited(await post(b, 'otp/validate', validate, '203.0.113.21'));
    assert.equal(callsTo('otp/validate'), 5, 'the refused ones never went upstream');
    assert.equal((await post(b, 'otp/validate', validate, '203.0.113.22')).status, 200, 'another address has its own count');
  });

  test('SEND_LIMIT 2 for one customer across four addresses and both instances: 2 codes sent, the rest 429; another customer is served', async (t) => {
    const { a, b, post, callsTo, lines } = await proxies(t, { rateLimit: 0, sendLimit: 2 });
    const customer = bodies('+91 80000 00102');
    const from = ['198.51.100.31', '198.51.100.32', '2001:db8:31::1', '2001:db8:32::1'];
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await post(i % 2 ? b : a, 'otp/generate', customer.generate, from[i] ?? ''));
    assert.deepEqual(answers.map((r) => r.status), [200, 200, 429, 429]);
    for (const refused of answers.slice(2)) {
      assertLimited(refused);
      const wait = Number(refused.headers.get('retry-after'));
      assert.ok(wait > 850 && wait <= 900, `Retry-After ${wait} within the 900 s window`);
    }
    // the same customer written another way is the same customer
    assertLimited(await post(a, 'otp/generate', bodies('918000000102').generate, '192.0.2.33'));
    assert.equal(callsTo('otp/generate'), 2, 'only 2 codes reached the vendor');
    assert.ok(lines.some((l) => / 429 .*upstream=send-limit$/.test(l)), lines.join('\n'));
    assert.ok(lines.every((l) => !/80000|8000000102/.test(l)), 'the identifier is not logged');

    assert.equal((await post(b, 'otp/generate', bodies('918000000103').generate, '198.51.100.31')).status, 200, 'another customer');
    // the send limit counts otp/generate only
    assert.equal((await post(a, 'otp/validate', customer.validate, '198.51.100.31')).status, 200, 'validate is not a send');
  });

  test('Redis down: each proxy still answers, quickly, and limits on its own; back up: shared again', async (t) => {
    const { a, b, post, lines } = await proxies(t, { rateLimit: 2, sendLimit: 0 });
    const { validate } = bodies('918000000104');
    // connected and shared first
    assert.equal((await post(a, 'otp/validate', validate, '203.0.113.41')).status, 200);
    assert.equal((await post(b, 'otp/validate', validate, '203.0.113.41')).status, 200);
    assertLimited(await post(a, 'otp/validate', validate, '203.0.113.41'));

    await redis.stop();
    try {
      const from = '203.0.113.42';
      for (const p of [a, b]) {
        for (let i = 0; i < 2; i++) assert.equal((await quick(() => post(p, 'otp/validate', validate, from))).status, 200);
        assertLimited(await quick(() => post(p, 'otp/validate', validate, from)));
      }
      const fallbacks = lines.filter((l) => /Redis is unavailable/.test(l));
      assert.equal(fallbacks.length, 2, `one fallback line per instance, not per request: ${JSON.stringify(lines.filter((l) => /redis/i.test(l)))}`);
    } finally {
      await redis.start();
    }
    // Each proxy reconnects on its own (backing off up to 1 s): wait until both count in Redis again.
    const until = Date.now() + 8000;
    for (let n = 0; ; n++) {
      const from = `203.0.113.${100 + n}`;
      const first = await post(a, 'otp/validate', validate, from);
      const second = await post(b, 'otp/validate', validate, from);
      const third = await post(a, 'otp/validate', validate, from);
      if (first.status === 200 && second.status === 200 && third.status === 429) break; // 2 across both: shared
      if (Date.now() > until) assert.fail(`not shared again after Redis came back: ${first.status} ${second.status} ${third.status}`);
      await sleep(200);
    }
  });
});
