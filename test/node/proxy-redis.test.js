// @ts-check
// The forwarding server's limits in a real Redis (proxy/limiter.js): shared by instances, expiring with
// their window, no identifier in clear in any key, and the outage policy (each instance keeps limiting
// in memory while Redis is down, shared again once it is back). Needs redis-server (.ci/run installs it).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { connectRedis, createLimits } from '../../proxy/limiter.js';
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
