// @ts-check
// The emulator's contract (docs/emulator-spec.md), driven over real HTTP with fetch against
// sandbox/server.js on a random port. Each test takes its own namespace, so tests never share state.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createEmulator } from '../../sandbox/emulator.js';
import { connectMiddleware, emulatorVitePlugin, koaMiddleware } from '../../sandbox/middleware.js';
import { startServer } from '../../sandbox/server.js';
import { answer } from '../support/http-answer.js';
/** @typedef {import('../support/http-answer.js').Answer} Answer */

const MINUTE = 60_000;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {string[]} */
const logLines = [];

before(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', log: (line) => logLines.push(line) });
});
after(() => server.close());


/** A fresh namespace with helpers bound to it. */
function sandbox() {
  const base = `${server.url}/sandbox/t-${randomUUID().slice(0, 12)}`;
  const identity = { identifierType: 'MOBILE', identifierValue: `9180${Math.floor(Math.random() * 1e8)}`, deviceId: 'device-1', brand: 'Bukl' };

  /** @param {string} endpoint @param {unknown} body @param {RequestInit} [init] */
  const api = async (endpoint, body, init = {}) =>
    answer(await fetch(`${base}/auth/v1/mfa/${endpoint}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    }));

  /** @param {string} method @param {string} path @param {unknown} [body] */
  const control = async (method, path, body) =>
    answer(await fetch(`${base}/__emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }));

  /** @param {Record<string, unknown>} [bind] */
  const firstFactor = async (bind = { identifierValue: identity.identifierValue }) => {
    const res = await control('POST', 'first-factor', bind);
    assert.equal(res.status, 200);
    return /** @type {string} */ (res.json.authorizedToken);
  };

  /** Opens an MFA session for `identity`; returns its sessionId. */
  const open = async (who = identity) => {
    const res = await api('token/generate', { ...who, authorizedToken: await firstFactor({ identifierValue: who.identifierValue }) });
    assert.equal(res.json?.status?.success, true, res.text);
    return /** @type {string} */ (res.json.user.sessionId);
  };

  /** Sends a code for the session and returns it, read from the outbox. @param {string} sessionId */
  const send = async (sessionId, who = identity) => {
    const res = await api('otp/generate', { ...who, sessionId });
    assert.deepEqual(res.json, { status: { success: true, code: 200, message: 'SUCCESS' } }, res.text);
    const box = await control('GET', `outbox?identifierValue=${encodeURIComponent(who.identifierValue)}`);
    return /** @type {string} */ (box.json.messages.at(-1).code);
  };

  /** @param {string} sessionId @param {unknown} otp */
  const validate = (sessionId, otp, who = identity) => api('otp/validate', { ...who, sessionId, otp });

  /** @param {Record<string, unknown>} spec */
  const fault = async (spec) => {
    const res = await control('POST', 'faults', spec);
    assert.equal(res.status, 200, res.text);
    return res;
  };

  const advance = (/** @type {number} */ ms) => control('POST', 'clock', { advanceMs: ms });

  return { base, identity, api, control, firstFactor, open, send, validate, fault, advance };
}

/** @param {Answer} res @param {number} httpStatus @param {number} code */
function assertFailure(res, httpStatus, code) {
  assert.equal(res.status, httpStatus, `HTTP status of ${res.text}`);
  assert.equal(res.json?.status?.success, false, res.text);
  assert.equal(res.json.status.code, code, res.text);
  assert.equal(typeof res.json.status.message, 'string');
}

/** @param {string} token */
function jwtPayload(token) {
  const parts = token.split('.');
  assert.equal(parts.length, 3, 'three segments');
  for (const part of parts) assert.match(part, /^[A-Za-z0-9_-]+$/);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

describe('field validation', () => {
  test('a body that is not JSON, or not an object, is 1519 with HTTP 400 on every endpoint', async () => {
    const s = sandbox();
    for (const endpoint of ['token/generate', 'otp/generate', 'otp/validate']) {
      assertFailure(await s.api(endpoint, '{not json'), 400, 1519);
      assertFailure(await s.api(endpoint, '[1,2]'), 400, 1519);
      assertFailure(await s.api(endpoint, ''), 400, 1519);
    }
  });

  test('each missing, empty or non-string field is 1519', async () => {
    const s = sandbox();
    /** @type {Record<string, string>} */
    const full = { ...s.identity, authorizedToken: await s.firstFactor() };
    for (const field of Object.keys(full)) {
      const { [field]: _dropped, ...missing } = full;
      assertFailure(await s.api('token/generate', missing), 400, 1519);
      assertFailure(await s.api('token/generate', { ...full, [field]: '' }), 400, 1519);
      assertFailure(await s.api('token/generate', { ...full, [field]: 42 }), 400, 1519);
    }
    const sessionId = await s.open();
    assertFailure(await s.api('otp/generate', { ...s.identity }), 400, 1519);
    assertFailure(await s.api('otp/validate', { ...s.identity, sessionId: null, otp: '123456' }), 400, 1519);
    assertFailure(await s.api('otp/generate', { ...s.identity, deviceId: ' ', sessionId }), 400, 1519);
  });

  test('an identifierType outside MOBILE|EMAIL|USERNAME|EXTERNALID is 1546 with HTTP 400', async () => {
    const s = sandbox();
    const token = await s.firstFactor();
    assertFailure(await s.api('token/generate', { ...s.identity, identifierType: 'PHONE', authorizedToken: token }), 400, 1546);
    assertFailure(await s.api('otp/generate', { ...s.identity, identifierType: 'mobile', sessionId: 'P-x' }), 400, 1546);
    for (const type of ['MOBILE', 'EMAIL', 'USERNAME', 'EXTERNALID']) {
      const res = await s.api('token/generate', { ...s.identity, identifierType: type, authorizedToken: token });
      assert.equal(res.json.status.success, true, type);
    }
  });

  test('validate: missing or empty otp is 604, non-digits 1519, a number is tolerated', async () => {
    const s = sandbox();
    const sessionId = await s.open();
    await s.send(sessionId);
    assertFailure(await s.api('otp/validate', { ...s.identity, sessionId }), 200, 604);
    assertFailure(await s.validate(sessionId, ''), 200, 604);
    assertFailure(await s.validate(sessionId, '12ab56'), 400, 1519);
    assertFailure(await s.validate(sessionId, true), 400, 1519);
    // A number reaches the code comparison (wrong code → 1506), it is not refused as bad input.
    assertFailure(await s.validate(sessionId, 1), 200, 1506);
  });
});

describe('first factor and token/generate', () => {
  test('success opens a P-<uuid> session and answers the documented shape', async () => {
    const s = sandbox();
    const res = await s.api('token/generate', { ...s.identity, authorizedToken: await s.firstFactor() });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.status, { success: true, code: 200, message: 'SUCCESS' });
    assert.equal(res.json.auth.key, null);
    assert.match(res.json.user.sessionId, /^P-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(res.json.user, { appRegistered: false, sessionId: res.json.user.sessionId, role: 'VIEW', userRegisteredForPassword: false });
    const payload = jwtPayload(res.json.auth.token);
    assert.equal(payload.sub, s.identity.identifierValue);
    assert.equal(payload.sid, res.json.user.sessionId);
    assert.equal(payload.exp - payload.iat, 15 * 60);
    assert.equal((await s.control('GET', 'stats')).json.sessions, 1);
  });

  test('an authorizedToken the emulator never minted is 1525', async () => {
    const s = sandbox();
    assertFailure(await s.api('token/generate', { ...s.identity, authorizedToken: 'made.up.token' }), 200, 1525);
  });

  test('an expired first-factor token (60 min on the emulator clock) is 1529', async () => {
    const s = sandbox();
    const token = await s.firstFactor();
    await s.advance(59 * MINUTE);
    assert.equal((await s.api('token/generate', { ...s.identity, authorizedToken: token })).json.status.success, true);
    await s.advance(MINUTE);
    assertFailure(await s.api('token/generate', { ...s.identity, authorizedToken: token }), 200, 1529);
  });

  test('firstFactorTtlMinutes changes the first-factor lifetime', async () => {
    const s = sandbox();
    await s.control('POST', 'config', { firstFactorTtlMinutes: 1 });
    const minted = await s.control('POST', 'first-factor', {});
    const now = (await s.advance(0)).json.now;
    assert.equal(typeof now, 'number');
    assert.ok(Math.abs(minted.json.expiresAt - (now + MINUTE)) < 5000, 'expiresAt (epoch ms) one minute ahead');
    await s.advance(MINUTE);
    assertFailure(await s.api('token/generate', { ...s.identity, authorizedToken: minted.json.authorizedToken }), 200, 1529);
  });

  test('a first-factor token minted for another identifierValue is 1541; an unbound one fits any', async () => {
    const s = sandbox();
    const bound = await s.firstFactor({ identifierValue: '911111111111' });
    assertFailure(await s.api('token/generate', { ...s.identity, authorizedToken: bound }), 200, 1541);
    const unbound = await s.firstFactor({});
    assert.equal((await s.api('token/generate', { ...s.identity, authorizedToken: unbound })).json.status.success, true);
  });

  test('first-factor rejects a bad identifierType or non-string fields', async () => {
    const s = sandbox();
    assertFailure(await s.control('POST', 'first-factor', { identifierType: 'FAX' }), 400, 1546);
    assertFailure(await s.control('POST', 'first-factor', { identifierValue: 5 }), 400, 1519);
  });
});

describe('session binding on otp/generate and otp/validate', () => {
  for (const endpoint of ['otp/generate', 'otp/validate']) {
    test(`${endpoint}: other identifier 1541, other device 1508, other brand 1509, unknown session 1505`, async () => {
      const s = sandbox();
      const sessionId = await s.open();
      await s.send(sessionId);
      const body = { ...s.identity, sessionId, otp: '000000' };
      assertFailure(await s.api(endpoint, { ...body, identifierValue: '910000000000' }), 200, 1541);
      assertFailure(await s.api(endpoint, { ...body, identifierType: 'USERNAME' }), 200, 1541);
      assertFailure(await s.api(endpoint, { ...body, deviceId: 'device-2' }), 200, 1508);
      assertFailure(await s.api(endpoint, { ...body, brand: 'Other' }), 200, 1509);
      assertFailure(await s.api(endpoint, { ...body, sessionId: `P-${randomUUID()}` }), 401, 1505);
    });
  }

  test('a session expires after 15 minutes on the emulator clock → 1505', async () => {
    const s = sandbox();
    const sessionId = await s.open();
    await s.advance(14 * MINUTE);
    const code = await s.send(sessionId);
    await s.advance(MINUTE);
    assertFailure(await s.api('otp/generate', { ...s.identity, sessionId }), 401, 1505);
    assertFailure(await s.validate(sessionId, code), 401, 1505);
  });

  test('sessionTtlMinutes changes the session lifetime', async () => {
    const s = sandbox();
    await s.control('POST', 'config', { sessionTtlMinutes: 2 });
    const sessionId = await s.open();
    await s.advance(2 * MINUTE);
    assertFailure(await s.api('otp/generate', { ...s.identity, sessionId }), 401, 1505);
  });
});

describe('otp/validate', () => {
  test('before any code was sent → 1537', async () => {
    const s = sandbox();
    assertFailure(await s.validate(await s.open(), '123456'), 200, 1537);
  });

  test('wrong code → 1506; right code → success shape; the session is then consumed', async () => {
    const s = sandbox();
    const sessionId = await s.open();
    const code = await s.send(sessionId);
    assert.match(code, /^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    assertFailure(await s.validate(sessionId, wrong), 200, 1506);
    const ok = await s.validate(sessionId, code);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json.status, { success: true, code: 200, message: 'SUCCESS' });
    assert.deepEqual(ok.json.user, { appRegistered: false, sessionId, role: 'USER', userRegisteredForPassword: false });
    assert.equal(typeof ok.json.auth.key, 'string');
    assert.ok(ok.json.auth.key.length >= 16);
    const payload = jwtPayload(ok.json.auth.token);
    assert.deepEqual([payload.sub, payload.sid, payload.exp - payload.iat], [s.identity.identifierValue, sessionId, 900]);
    assertFailure(await s.validate(sessionId, code), 401, 1505);
    assertFailure(await s.api('otp/generate', { ...s.identity, sessionId }), 401, 1505);
  });

  test('the 5th wrong code → 1518 and closes the session (then 1505, even with the right code)', async () => {
    const s = sandbox();
    const sessionId = await s.open();
    const code = await s.send(sessionId);
    const wrong = code === '999999' ? '999998' : '999999';
    for (let i = 1; i <= 4; i++) assertFailure(await s.validate(sessionId, wrong), 200, 1506);
    assertFailure(await s.validate(sessionId, wrong), 200, 1518);
    assertFailure(await s.validate(sessionId, code), 401, 1505);
  });

  test('maxWrongAttempts is configurable, and a resend does not reset the count', async () => {
    const s = sandbox();
    await s.control('POST', 'config', { maxWrongAttempts: 2 });
    const sessionId = await s.open();
    const first = await s.send(sessionId);
    assertFailure(await s.validate(sessionId, first === '123456' ? '654321' : '123456'), 200, 1506);
    const second = await s.send(sessionId);
    assertFailure(await s.validate(sessionId, second === '123456' ? '654321' : '123456'), 200, 1518);
  });

  test('a resend replaces the code: the previous one no longer works', async () => {
    const s = sandbox();
    const sessionId = await s.open();
    const old = await s.send(sessionId);
    let fresh = await s.send(sessionId);
    while (fresh === old) fresh = await s.send(sessionId); // one in a million: codes are random
    assertFailure(await s.validate(sessionId, old), 200, 1506);
    assert.equal((await s.validate(sessionId, fresh)).json.status.success, true);
  });

  test('a code older than otpTtlMinutes (10) → 605, while the session still lives', async () => {
    const s = sandbox();
    const sessionId = await s.open();
    const code = await s.send(sessionId);
    await s.advance(9 * MINUTE);
    assertFailure(await s.validate(sessionId, code === '000000' ? '111111' : '000000'), 200, 1506); // still live
    await s.advance(MINUTE);
    assertFailure(await s.validate(sessionId, code), 200, 605);
    const fresh = await s.send(sessionId); // still inside the 15-minute session
    assert.equal((await s.validate(sessionId, fresh)).json.status.success, true);
  });
});

describe('rate limit on otp/generate', () => {
  test('the 6th send within 10 minutes → HTTP 429, code 429, no Retry-After; the window resets', async () => {
    const s = sandbox();
    const sessionId = await s.open();
    for (let i = 0; i < 5; i++) await s.send(sessionId);
    const refused = await s.api('otp/generate', { ...s.identity, sessionId });
    assertFailure(refused, 429, 429);
    assert.equal(refused.json.status.message, 'OTP rate limit exceeded');
    assert.equal(refused.headers.get('retry-after'), null);
    assert.equal((await s.control('GET', 'outbox')).json.messages.length, 5, 'a refused send writes nothing');
    await s.advance(10 * MINUTE - 1000);
    assertFailure(await s.api('otp/generate', { ...s.identity, sessionId }), 429, 429);
    await s.advance(1000);
    await s.send(sessionId);
  });

  test('the limit is per brand + identifierValue, across sessions', async () => {
    const s = sandbox();
    await s.control('POST', 'config', { otpMaxCount: 1 });
    const a = await s.open();
    await s.send(a);
    assertFailure(await s.api('otp/generate', { ...s.identity, sessionId: await s.open() }), 429, 429);
    const other = { ...s.identity, identifierValue: '919999999999' };
    await s.send(await s.open(other), other);
    const otherBrand = { ...s.identity, brand: 'Other' };
    await s.send(await s.open(otherBrand), otherBrand);
  });

  test('otpMaxCount or otpTimeOut null → unlimited', async () => {
    for (const patch of [{ otpMaxCount: null }, { otpTimeOut: null }]) {
      const s = sandbox();
      const config = await s.control('POST', 'config', patch);
      assert.equal(config.json[Object.keys(patch)[0]], null);
      const sessionId = await s.open();
      for (let i = 0; i < 12; i++) await s.send(sessionId);
    }
  });

  test('otpTimeOut sets the window and rateLimitCode the refusal (1534 → HTTP 200)', async () => {
    const s = sandbox();
    await s.control('POST', 'config', { otpMaxCount: 2, otpTimeOut: 1, rateLimitCode: 1534 });
    const sessionId = await s.open();
    await s.send(sessionId);
    await s.send(sessionId);
    assertFailure(await s.api('otp/generate', { ...s.identity, sessionId }), 200, 1534);
    await s.advance(MINUTE);
    await s.send(sessionId);
  });
});

describe('outbox', () => {
  test('records every send, oldest first, filterable by identifierValue; DELETE clears it', async () => {
    const s = sandbox();
    await s.control('POST', 'config', { otpLength: 8 });
    const mobile = await s.open();
    const c1 = await s.send(mobile);
    const c2 = await s.send(mobile);
    const email = { identifierType: 'EMAIL', identifierValue: 'ana@example.com', deviceId: 'device-9', brand: 'Bukl' };
    const emailSession = await s.open(email);
    const c3 = await s.send(emailSession, email);
    const all = (await s.control('GET', 'outbox')).json.messages;
    assert.deepEqual(all.map((/** @type {any} */ m) => m.code), [c1, c2, c3]);
    for (const code of [c1, c2, c3]) assert.match(code, /^\d{8}$/);
    const [first] = all;
    assert.deepEqual(Object.keys(first).sort(), ['brand', 'channel', 'code', 'deviceId', 'id', 'identifierType', 'identifierValue', 'sentAt', 'sessionId'].sort());
    assert.deepEqual({ ...first, id: 'x', sentAt: 'x' }, { id: 'x', channel: 'sms', ...s.identity, sessionId: mobile, code: c1, sentAt: 'x' });
    assert.equal(typeof first.sentAt, 'number');
    assert.ok(Math.abs(first.sentAt - Date.now()) < 5000, 'sentAt is epoch ms on the clock');
    assert.equal(all[2].channel, 'email');
    assert.equal(all[2].deviceId, 'device-9');
    const filtered = (await s.control('GET', 'outbox?identifierValue=ana%40example.com')).json.messages;
    assert.deepEqual(filtered.map((/** @type {any} */ m) => m.code), [c3]);
    assert.deepEqual(await s.control('DELETE', 'outbox').then((r) => r.json), { cleared: 3 });
    assert.deepEqual((await s.control('GET', 'outbox')).json, { messages: [] });
  });
});

describe('faults', () => {
  test('latency delays the answer, which is otherwise normal', async () => {
    const s = sandbox();
    await s.fault({ path: 'token/generate', type: 'latency', ms: 150 });
    const started = performance.now();
    const res = await s.api('token/generate', { ...s.identity, authorizedToken: await s.firstFactor() });
    assert.ok(performance.now() - started >= 140, 'delayed');
    assert.equal(res.json.status.success, true);
    const again = performance.now();
    await s.open();
    assert.ok(performance.now() - again < 140, 'times defaults to 1');
  });

  test('latency combines with the next queued fault for the path', async () => {
    const s = sandbox();
    await s.fault({ path: 'otp/validate', type: 'latency', ms: 100 });
    await s.fault({ path: 'otp/validate', type: 'code', code: 1502 });
    const started = performance.now();
    assertFailure(await s.validate('P-x', '123456'), 200, 1502);
    assert.ok(performance.now() - started >= 90);
    assertFailure(await s.validate('P-x', '123456'), 401, 1505); // both consumed
  });

  test('hang never answers: the client gives up; the state is untouched', async () => {
    const s = sandbox();
    await s.fault({ path: 'token/generate', type: 'hang' });
    const token = await s.firstFactor();
    await assert.rejects(
      fetch(`${s.base}/auth/v1/mfa/token/generate`, {
        method: 'POST',
        body: JSON.stringify({ ...s.identity, authorizedToken: token }),
        signal: AbortSignal.timeout(200),
      }),
      (/** @type {any} */ err) => err.name === 'TimeoutError',
    );
    assert.equal((await s.control('GET', 'stats')).json.sessions, 0);
    assert.equal((await s.api('token/generate', { ...s.identity, authorizedToken: token })).json.status.success, true);
  });

  test('drop destroys the connection: fetch rejects', async () => {
    const s = sandbox();
    const sessionId = await s.open();
    await s.fault({ path: 'otp/generate', type: 'drop' });
    await assert.rejects(s.api('otp/generate', { ...s.identity, sessionId }), TypeError);
    assert.equal((await s.control('GET', 'outbox')).json.messages.length, 0, 'no code sent');
    await s.send(sessionId);
  });

  test('http: 500 with a default HTML page; 502 with an empty body; custom body and headers', async () => {
    const s = sandbox();
    await s.fault({ path: 'otp/generate', type: 'http', status: 500 });
    await s.fault({ path: 'otp/generate', type: 'http', status: 502, body: '' });
    await s.fault({ path: 'otp/generate', type: 'http', status: 503, body: { error: 'busy' }, headers: { 'X-Why': 'test' } });
    await s.fault({ path: 'otp/generate', type: 'http', status: 200, body: 'plain', contentType: 'text/plain' });
    const r500 = await s.api('otp/generate', {});
    assert.equal(r500.status, 500);
    assert.match(r500.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(r500.text, /<html/i);
    const r502 = await s.api('otp/generate', {});
    assert.deepEqual([r502.status, r502.text], [502, '']);
    const r503 = await s.api('otp/generate', {});
    assert.deepEqual([r503.status, r503.json, r503.headers.get('x-why')], [503, { error: 'busy' }, 'test']);
    assert.match(r503.headers.get('content-type') ?? '', /^application\/json/);
    const r200 = await s.api('otp/generate', {});
    assert.deepEqual([r200.status, r200.text, r200.headers.get('content-type')], [200, 'plain', 'text/plain']);
  });

  test('non-json, truncated and wrong-shape answer HTTP 200 with the announced content types', async () => {
    const s = sandbox();
    await s.fault({ path: '*', type: 'non-json' });
    await s.fault({ path: '*', type: 'truncated' });
    await s.fault({ path: '*', type: 'wrong-shape' });
    const nonJson = await s.api('token/generate', {});
    assert.equal(nonJson.status, 200);
    assert.match(nonJson.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(nonJson.json, null);
    assert.match(nonJson.text, /<html/i);
    const truncated = await s.api('otp/generate', {});
    assert.equal(truncated.status, 200);
    assert.equal(truncated.headers.get('content-type'), 'application/json');
    assert.equal(truncated.json, null, 'not parseable');
    assert.ok(truncated.text.startsWith('{"status":'));
    const shape = await s.api('otp/validate', {});
    assert.deepEqual([shape.status, shape.json], [200, { data: { ok: true } }]);
  });

  test('code: the failure body with the table status, or httpStatus, message and headers', async () => {
    const s = sandbox();
    await s.fault({ path: 'otp/generate', type: 'code', code: 1503 });
    await s.fault({ path: 'otp/generate', type: 'code', code: 1505 });
    await s.fault({ path: 'otp/generate', type: 'code', code: 429, headers: { 'Retry-After': '42' } });
    await s.fault({ path: 'otp/generate', type: 'code', code: 606, httpStatus: 503, message: 'try later' });
    assertFailure(await s.api('otp/generate', {}), 200, 1503);
    assertFailure(await s.api('otp/generate', {}), 401, 1505);
    const limited = await s.api('otp/generate', {});
    assertFailure(limited, 429, 429);
    assert.equal(limited.headers.get('retry-after'), '42');
    const custom = await s.api('otp/generate', {});
    assertFailure(custom, 503, 606);
    assert.equal(custom.json.status.message, 'try later');
  });

  test('a faulted call has no effect: no session, no code sent, no rate-limit count', async () => {
    const s = sandbox();
    await s.control('POST', 'config', { otpMaxCount: 1 });
    await s.fault({ path: 'token/generate', type: 'code', code: 1504 });
    assertFailure(await s.api('token/generate', { ...s.identity, authorizedToken: await s.firstFactor() }), 200, 1504);
    assert.equal((await s.control('GET', 'stats')).json.sessions, 0);
    const sessionId = await s.open();
    await s.fault({ path: 'otp/generate', type: 'non-json' });
    await s.api('otp/generate', { ...s.identity, sessionId });
    assert.equal((await s.control('GET', 'outbox')).json.messages.length, 0);
    await s.send(sessionId); // the only send the limit of 1 allows
  });

  test('times: N calls, then normal; times -1 until DELETE faults', async () => {
    const s = sandbox();
    await s.fault({ path: 'otp/validate', type: 'code', code: 876, times: 2 });
    assertFailure(await s.validate('P-x', '1'), 200, 876);
    assertFailure(await s.validate('P-x', '1'), 200, 876);
    assertFailure(await s.validate('P-x', '1'), 401, 1505);
    await s.fault({ path: 'otp/validate', type: 'code', code: 9001, times: -1 });
    for (let i = 0; i < 4; i++) assertFailure(await s.validate('P-x', '1'), 200, 9001);
    assert.deepEqual((await s.control('DELETE', 'faults')).json, { cleared: 1 });
    assertFailure(await s.validate('P-x', '1'), 401, 1505);
  });

  test('faults match their path (short or full), * matches all, and are consumed in order', async () => {
    const s = sandbox();
    await s.fault({ path: '/auth/v1/mfa/otp/validate', type: 'code', code: 1502 });
    await s.fault({ path: 'otp/validate', type: 'code', code: 876 });
    const sessionId = await s.open(); // token/generate is not affected
    await s.send(sessionId); // nor otp/generate
    assertFailure(await s.validate(sessionId, '1'), 200, 1502);
    assertFailure(await s.validate(sessionId, '1'), 200, 876);
    await s.fault({ path: '*', type: 'code', code: 1504, times: 3 });
    assertFailure(await s.api('token/generate', {}), 200, 1504);
    assertFailure(await s.api('otp/generate', {}), 200, 1504);
    assertFailure(await s.api('otp/validate', {}), 200, 1504);
  });

  test('an invalid fault spec is refused with 1519 / HTTP 400 and queues nothing', async () => {
    const s = sandbox();
    const bad = [
      { path: 'otp/validate', type: 'explode' },
      { path: 'otp/other', type: 'hang' },
      { type: 'hang' },
      { path: '*', type: 'hang', times: 0 },
      { path: '*', type: 'latency' },
      { path: '*', type: 'http', status: 42 },
      { path: '*', type: 'code' },
      { path: '*', type: 'code', code: 1503, headers: { 'Retry-After': 42 } },
    ];
    for (const spec of bad) assertFailure(await s.control('POST', 'faults', spec), 400, 1519);
    assert.deepEqual((await s.control('DELETE', 'faults')).json, { cleared: 0 });
  });
});

describe('control endpoints', () => {
  test('namespaces are isolated: sessions, first-factor tokens, outbox, config, clock, faults', async () => {
    const a = sandbox();
    const b = sandbox();
    const sessionId = await a.open();
    await a.send(sessionId);
    await a.control('POST', 'config', { otpLength: 4 });
    await a.advance(60 * MINUTE);
    await a.fault({ path: '*', type: 'code', code: 1503, times: -1 });
    assertFailure(await b.api('otp/generate', { ...a.identity, sessionId }), 401, 1505);
    assertFailure(await b.api('token/generate', { ...a.identity, authorizedToken: await a.firstFactor() }), 200, 1525);
    assert.deepEqual((await b.control('GET', 'outbox')).json, { messages: [] });
    assert.equal((await b.control('GET', 'config')).json.otpLength, 6);
    const bNow = (await b.advance(0)).json.now;
    assert.ok(Math.abs(bNow - Date.now()) < 5000, 'b has its own clock');
    assert.equal((await b.control('GET', 'stats')).json.sessions, 0);
  });

  test('URLs without /sandbox/<ns> use the default namespace', async () => {
    const res = await answer(await fetch(`${server.url}/__emulator/config`));
    assert.equal(res.json.otpLength, 6);
    assert.equal(server.emulator.namespace('default').config.otpLength, 6);
  });

  test('GET config has the defaults; POST config returns the whole config; unknown keys are refused', async () => {
    const s = sandbox();
    const defaults = { otpLength: 6, otpMaxCount: 5, otpTimeOut: 10, maxWrongAttempts: 5, sessionTtlMinutes: 15, otpTtlMinutes: 10, firstFactorTtlMinutes: 60, rateLimitCode: 429 };
    assert.deepEqual((await s.control('GET', 'config')).json, defaults);
    assert.deepEqual((await s.control('POST', 'config', { otpMaxCount: 3 })).json, { ...defaults, otpMaxCount: 3 });
    assertFailure(await s.control('POST', 'config', { otpMaxcount: 3 }), 400, 1519);
    assertFailure(await s.control('POST', 'config', { otpLength: 2 }), 400, 1519);
    assertFailure(await s.control('POST', 'clock', { advanceMs: -1 }), 400, 1519);
  });

  test('POST clock moves this namespace\'s clock and returns its now (epoch ms)', async () => {
    const s = sandbox();
    const t0 = (await s.advance(0)).json.now;
    const t1 = (await s.advance(5 * MINUTE)).json.now;
    assert.ok(t1 - t0 >= 5 * MINUTE && t1 - t0 < 5 * MINUTE + 5000, `${t1 - t0}`);
    assertFailure(await s.control('POST', 'clock', {}), 400, 1519);
  });

  test('reset returns the namespace to defaults: state, faults, config and clock', async () => {
    const s = sandbox();
    const token = await s.firstFactor();
    const sessionId = await s.open();
    await s.send(sessionId);
    await s.control('POST', 'config', { otpLength: 9 });
    await s.advance(30 * MINUTE);
    await s.fault({ path: '*', type: 'code', code: 1503, times: -1 });
    assert.deepEqual((await s.control('POST', 'reset')).json, { ok: true });
    assert.deepEqual((await s.control('GET', 'stats')).json, { sessions: 0, outbox: 0, firstFactorTokens: 0, rateWindows: 0, namespaces: (await s.control('GET', 'stats')).json.namespaces });
    assert.equal((await s.control('GET', 'config')).json.otpLength, 6);
    assert.ok(Math.abs((await s.advance(0)).json.now - Date.now()) < 5000);
    assertFailure(await s.api('token/generate', { ...s.identity, authorizedToken: token }), 200, 1525);
  });

  test('stats counts this namespace and the number of namespaces; emulator.stats() sums them all', async () => {
    const s = sandbox();
    await s.firstFactor();
    const sessionId = await s.open();
    await s.send(sessionId);
    const stats = (await s.control('GET', 'stats')).json;
    assert.deepEqual({ ...stats, namespaces: 0 }, { sessions: 1, outbox: 1, firstFactorTokens: 2, rateWindows: 1, namespaces: 0 });
    assert.ok(stats.namespaces >= 2, 'this one and the others of this run');
    const total = server.emulator.stats();
    assert.ok(total.sessions >= 1 && total.outbox >= 1 && total.namespaces === stats.namespaces);
  });

  test('sweep drops expired sessions, first-factor tokens and windows, and outbox entries older than 1 hour', async () => {
    const s = sandbox();
    const sessionId = await s.open();
    await s.send(sessionId);
    await s.advance(20 * MINUTE);
    server.emulator.sweep();
    assert.deepEqual({ ...(await s.control('GET', 'stats')).json, namespaces: 0 }, { sessions: 0, outbox: 1, firstFactorTokens: 1, rateWindows: 0, namespaces: 0 });
    await s.advance(41 * MINUTE);
    server.emulator.sweep();
    assert.deepEqual({ ...(await s.control('GET', 'stats')).json, namespaces: 0 }, { sessions: 0, outbox: 0, firstFactorTokens: 0, rateWindows: 0, namespaces: 0 });
  });

  test('idle namespaces other than default are dropped by sweep()', () => {
    const emulator = createEmulator({ idleNamespaceMs: 0 });
    try {
      emulator.namespace('idle-one');
      emulator.namespace('default');
      assert.equal(emulator.stats().namespaces, 2);
      assert.equal(emulator.sweep().namespaces, 1);
      assert.throws(() => emulator.namespace('bad name!'));
    } finally {
      emulator.close();
    }
  });

  test('unknown control endpoint → 404; wrong method → 405 with Allow', async () => {
    const s = sandbox();
    const unknown = await s.control('GET', 'nothing-here');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.status.success, false);
    const wrong = await s.control('PUT', 'outbox', {});
    assert.equal(wrong.status, 405);
    assert.match(wrong.headers.get('allow') ?? '', /GET, DELETE/);
  });
});

describe('HTTP surface', () => {
  test('OPTIONS → 204 with permissive CORS on the vendor endpoints (not on the control ones); answers carry CORS too', async () => {
    const s = sandbox();
    const preflight = { method: 'OPTIONS', headers: { Origin: 'http://page.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-brand' } };
    const res0 = await fetch(`${s.base}/auth/v1/mfa/otp/validate`, preflight);
    assert.equal(res0.status, 204);
    assert.equal(res0.headers.get('access-control-allow-origin'), '*');
    assert.match(res0.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.equal(res0.headers.get('access-control-allow-headers'), 'content-type,x-brand');
    const control = await fetch(`${s.base}/__emulator/outbox`, preflight);
    assert.equal(control.status, 403);
    assert.equal(control.headers.get('access-control-allow-origin'), null);
    const res = await s.api('otp/generate', {});
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /Retry-After/);
  });

  test('any method other than POST/OPTIONS on a vendor endpoint → 405 JSON failure', async () => {
    const s = sandbox();
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const res = await answer(await fetch(`${s.base}/auth/v1/mfa/token/generate`, { method }));
      assertFailure(res, 405, 405);
      assert.equal(res.headers.get('allow'), 'POST, OPTIONS');
    }
  });

  test('the standalone server answers 404 outside the emulator URLs', async () => {
    for (const path of ['/', '/index.html', '/auth/v1/token/generate', '/sandbox/bad!ns/auth/v1/mfa/otp/validate']) {
      assert.equal((await fetch(server.url + path)).status, 404, path);
    }
  });

  test('log lines: method, path, status, duration, code; never tokens, codes or bodies', async () => {
    const s = sandbox();
    const sessionId = await s.open();
    const code = await s.send(sessionId);
    await s.validate(sessionId, code);
    const mine = logLines.filter((line) => line.includes(new URL(s.base).pathname));
    assert.ok(mine.some((line) => /^POST \/sandbox\/t-[\w-]+\/auth\/v1\/mfa\/otp\/validate 200 \d+ms code=200$/.test(line)), mine.join('\n'));
    assert.ok(mine.some((line) => / 200 \d+ms -$/.test(line)), 'control calls have no code');
    for (const line of mine) {
      assert.ok(!line.includes(code) && !line.includes(sessionId) && !line.includes(s.identity.identifierValue), line);
      assert.ok(!/eyJ/.test(line), line);
    }
  });
});

describe('adapters', () => {
  /** A response that fails the test if anything touches it. */
  const untouchable = () =>
    /** @type {any} */ (new Proxy({}, { get: (_t, key) => assert.fail(`touched res.${String(key)}`), set: () => assert.fail('set on res') }));

  test('matches/handle: false, touching nothing, for URLs that are not the emulator\'s', async () => {
    const emulator = createEmulator();
    try {
      for (const url of ['/', '/index.html', '/src/index.ts?x=/auth/v1/mfa/otp/validate', '/auth/v1/token/generate', '/sandbox/a b/__emulator/stats', '/sandbox//auth/v1/mfa/otp/validate', '/api/__emulator']) {
        assert.equal(emulator.matches(url), false, url);
        const req = /** @type {any} */ ({ url, method: 'POST', headers: {} });
        assert.equal(await emulator.handle(req, untouchable()), false, url);
      }
      for (const url of ['/auth/v1/mfa/otp/validate', '/sandbox/ns_1-A/auth/v1/mfa/token/generate', '/__emulator/outbox?identifierValue=1', '/sandbox/x/__emulator/stats/']) {
        assert.equal(emulator.matches(url), true, url);
      }
    } finally {
      emulator.close();
    }
  });

  /**
   * Serves `mount` (given the emulator and a `next` that answers "next") on a random port.
   * @param {(emulator: any, req: any, res: any, next: () => Promise<void>) => unknown} mount
   */
  async function withAdapter(mount) {
    const emulator = createEmulator();
    const httpServer = createServer((req, res) => {
      mount(emulator, req, res, async () => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('next');
      });
    });
    await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', () => resolve(undefined)));
    const address = /** @type {import('node:net').AddressInfo} */ (httpServer.address());
    const base = `http://127.0.0.1:${address.port}`;
    const close = () => {
      emulator.close();
      httpServer.closeAllConnections();
      return new Promise((resolve) => httpServer.close(() => resolve(undefined)));
    };
    return { base, close };
  }

  test('koaMiddleware: the emulator answers its URLs with ctx.respond = false; others go to next()', async () => {
    /** @type {any[]} */
    const contexts = [];
    const { base, close } = await withAdapter((emulator, req, res, next) => {
      const ctx = { req, res, respond: undefined, status: 404 };
      contexts.push(ctx);
      return koaMiddleware(emulator)(ctx, next);
    });
    try {
      assert.equal(await (await fetch(`${base}/index.html`)).text(), 'next');
      assert.deepEqual([contexts[0].respond, contexts[0].status], [undefined, 404]);
      const res = await fetch(`${base}/sandbox/k/__emulator/config`);
      assert.equal((await res.json()).otpLength, 6);
      assert.equal(contexts[1].respond, false);
      // A hung call writes no status: the context must not stay at koa's default 404.
      await fetch(`${base}/sandbox/k/__emulator/faults`, { method: 'POST', body: JSON.stringify({ path: '*', type: 'hang' }) });
      await assert.rejects(fetch(`${base}/sandbox/k/auth/v1/mfa/otp/generate`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(100) }));
      assert.equal(contexts[3].respond, false);
      assert.equal(contexts[3].status, 200);
    } finally {
      await close();
    }
  });

  test('connectMiddleware: the emulator answers its URLs; others go to next()', async () => {
    const { base, close } = await withAdapter((emulator, req, res, next) => connectMiddleware(emulator)(req, res, next));
    try {
      assert.equal(await (await fetch(`${base}/`)).text(), 'next');
      const res = await answer(await fetch(`${base}/auth/v1/mfa/otp/generate`, { method: 'POST', body: '{}' }));
      assertFailure(res, 400, 1519);
    } finally {
      await close();
    }
  });

  test('emulatorVitePlugin mounts one emulator on the dev and preview servers', () => {
    /** @type {any[]} */
    const used = [];
    const fakeServer = { middlewares: { use: (/** @type {any} */ fn) => used.push(fn) } };
    const emulator = createEmulator();
    try {
      const plugin = emulatorVitePlugin({ emulator });
      assert.equal(plugin.name, 'capillary-emulator');
      plugin.configureServer(fakeServer);
      plugin.configurePreviewServer(fakeServer);
      assert.equal(used.length, 2);
      assert.ok(used.every((fn) => typeof fn === 'function' && fn.length === 3));
    } finally {
      emulator.close();
    }
  });
});

describe('hardening: bad input answers, and only the emulator’s own pages drive it', () => {
  /** A raw request, so that Host and Origin can be anything (fetch keeps Host to itself). */
  function raw(path, { method = 'GET', headers = {}, body } = /** @type {{ method?: string, headers?: Record<string, string>, body?: string }} */ ({})) {
    return new Promise((resolve, reject) => {
      const url = new URL(path, server.url);
      const req = httpRequest(url, { method, headers, timeout: 3000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path} within 3 s`)));
      req.on('error', reject);
      req.end(body);
    });
  }
  const ns = () => `/sandbox/h-${randomUUID().slice(0, 12)}`;

  test('config keys that name Object.prototype members are refused with 400, not left hanging', async () => {
    const base = ns();
    for (const body of ['{"__proto__":1}', '{"valueOf":1}', '{"constructor":{}}', '{"toString":"x"}']) {
      const res = await raw(`${base}/__emulator/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 400, `${body}: ${res.text}`);
      assert.match(JSON.parse(res.text).status.message, /unknown config key/);
    }
    const config = JSON.parse((await raw(`${base}/__emulator/config`)).text);
    assert.equal(Object.hasOwn(config, 'valueOf'), false);
    assert.equal(config.otpLength, 6);
  });

  test('a fault with a header Node cannot send is refused when added, and later calls still answer', async () => {
    const base = ns();
    const post = (path, body) => raw(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const headers of [{ 'bad header': 'x' }, { 'X-Ok': 'line\r\nbreak' }, { '': 'x' }]) {
      const res = await post('/__emulator/faults', { path: 'token/generate', type: 'code', code: 1504, headers });
      assert.equal(res.status, 400, JSON.stringify(headers));
    }
    const ok = await post('/__emulator/faults', { path: 'token/generate', type: 'code', code: 1504, headers: { 'Retry-After': '5' } });
    assert.equal(ok.status, 200);
    const faulted = await post('/auth/v1/mfa/token/generate', {});
    assert.equal(JSON.parse(faulted.text).status.code, 1504);
    assert.equal(faulted.headers['retry-after'], '5');
    const next = await post('/auth/v1/mfa/token/generate', {});
    assert.equal(next.status, 400); // the rules again: the body lacks every field
  });

  test('an internal error answers 500 with one log line, never a hung call', async () => {
    const emulator = createEmulator({ log: false });
    const ns = emulator.namespace('boom');
    ns.tokenGenerate = () => {
      throw new Error('rules blew up');
    };
    const errors = [];
    const original = console.error;
    console.error = (...args) => errors.push(args.join(' '));
    const http = createServer((req, res) => void emulator.handle(req, res));
    await new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(undefined)));
    try {
      const address = /** @type {import('node:net').AddressInfo} */ (http.address());
      const res = await fetch(`http://127.0.0.1:${address.port}/sandbox/boom/auth/v1/mfa/token/generate`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(3000) });
      assert.equal(res.status, 500);
      assert.equal(errors.length, 1);
      assert.match(errors[0], /token\/generate: rules blew up/);
    } finally {
      console.error = original;
      http.close();
      emulator.close();
    }
  });

  test('a fault path of 65,000 slashes is refused at once, not after seconds of regex work', async () => {
    const started = performance.now();
    const res = await raw(`${ns()}/__emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: 'a' + '/'.repeat(65_000) + 'a', type: 'hang' }) });
    assert.equal(res.status, 400);
    assert.match(res.text, /path is too long/);
    // Not a timing budget: the old code took 2,500 ms here; anything near that is the old code.
    assert.ok(performance.now() - started < 1000, `${Math.round(performance.now() - started)} ms`);
  });

  test('identifiers are bounded by size: a 60 KB identifier is refused and stores nothing', async () => {
    const base = ns();
    const post = (path, body) => raw(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const huge = '9'.repeat(60_000);
    const minted = await post('/__emulator/first-factor', { identifierValue: huge });
    assert.equal(minted.status, 400);
    const token = JSON.parse((await post('/__emulator/first-factor', {})).text).authorizedToken;
    const opened = await post('/auth/v1/mfa/token/generate', { identifierType: 'MOBILE', identifierValue: huge, deviceId: 'd', brand: 'Bukl', authorizedToken: token });
    assert.equal(opened.status, 400);
    assert.match(JSON.parse(opened.text).status.message, /identifierValue too long/);
    const stats = JSON.parse((await raw(`${base}/__emulator/stats`)).text);
    assert.equal(stats.sessions, 0);
    const normal = await post('/auth/v1/mfa/token/generate', { identifierType: 'MOBILE', identifierValue: '918000000000', deviceId: 'd', brand: 'Bukl', authorizedToken: token });
    assert.equal(JSON.parse(normal.text).status.success, true);
  });

  test('the control endpoints refuse pages of other origins (no CORS for them), and accept their own', async () => {
    const base = ns();
    const host = new URL(server.url).host;
    const evil = await raw(`${base}/__emulator/outbox`, { headers: { Origin: 'https://evil.example' } });
    assert.equal(evil.status, 403);
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
    const inject = await raw(`${base}/__emulator/faults`, { method: 'POST', headers: { Origin: 'https://evil.example', 'content-type': 'application/json' }, body: JSON.stringify({ path: '*', type: 'hang' }) });
    assert.equal(inject.status, 403);
    const own = await raw(`${base}/__emulator/outbox`, { headers: { Origin: `http://${host}` } });
    assert.equal(own.status, 200);
    const noOrigin = await raw(`${base}/__emulator/outbox`);
    assert.equal(noOrigin.status, 200);
    assert.equal(noOrigin.headers['access-control-allow-origin'], undefined);
    // The fake vendor API stays callable from any page, as a demo on another port needs.
    const api = await raw(`${base}/auth/v1/mfa/token/generate`, { method: 'POST', headers: { Origin: 'https://evil.example' }, body: '{}' });
    assert.equal(api.status, 400);
    assert.equal(api.headers['access-control-allow-origin'], '*');
  });

  test('an origin the emulator is told to allow may drive it, and gets its own origin back', async () => {
    const emulator = createEmulator({ log: false, allowedOrigins: ['http://localhost:5173'] });
    const http = createServer((req, res) => void emulator.handle(req, res));
    await new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(undefined)));
    try {
      const port = /** @type {import('node:net').AddressInfo} */ (http.address()).port;
      const res = await fetch(`http://127.0.0.1:${port}/__emulator/outbox`, { headers: { Origin: 'http://localhost:5173' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173');
      const other = await fetch(`http://127.0.0.1:${port}/__emulator/outbox`, { headers: { Origin: 'http://localhost:5174' } });
      assert.equal(other.status, 403);
    } finally {
      http.close();
      emulator.close();
    }
  });

  test('a Host that is neither loopback nor configured is refused (DNS rebinding), loopback ones answer', async () => {
    const base = ns();
    for (const host of ['evil.example', 'evil.example:8787', '10.0.0.5', 'localhost.evil.example']) {
      const res = await raw(`${base}/__emulator/outbox`, { headers: { Host: host } });
      assert.equal(res.status, 403, host);
      const api = await raw(`${base}/auth/v1/mfa/token/generate`, { method: 'POST', headers: { Host: host }, body: '{}' });
      assert.equal(api.status, 403, `${host} (vendor API)`);
    }
    for (const host of ['localhost', 'localhost:1234', '127.0.0.1:9', '[::1]:80']) {
      assert.equal((await raw(`${base}/__emulator/outbox`, { headers: { Host: host } })).status, 200, host);
    }
  });
});
