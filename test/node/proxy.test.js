// @ts-check
// The reference forwarding server (proxy/, `mfa-otp-flow/server`), driven over loopback HTTP: a full MFA flow through it
// in front of the emulator, and its own rules against tiny fake upstreams that record what reaches them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ConfigError, optionsFromEnv, resolveOptions, startProxy } from '../../proxy/index.js';
import { fakeCapillary } from '../support/fake-capillary.js';
import { answer } from '../support/http-answer.js';

const EMULATOR_FILE = new URL('../../sandbox/server.js', import.meta.url);
const PROXY_FILE = fileURLToPath(new URL('../../proxy/server.js', import.meta.url));
const PREFIX = '/api/capillary';
const TEST_TIMEOUT = 15_000;

/** @typedef {import('../support/fake-capillary.js').Call} Call */

/** A customer, and each route's documented body for it: what the element sends. */
const CUSTOMER = { identifierType: 'MOBILE', identifierValue: '918000000001', deviceId: 'd', brand: 'Bukl' };
const BODY = {
  'token/generate': { ...CUSTOMER, authorizedToken: 'first.factor.token' },
  'otp/generate': { ...CUSTOMER, sessionId: 'P-1' },
  'otp/validate': { ...CUSTOMER, sessionId: 'P-1', otp: '123456' },
};

/** @type {{ url: string, close(): Promise<void> }} */
let emulator;

before(async () => {
  // Another engineer may still be writing the emulator: wait for the file for a while.
  for (let waited = 0; !existsSync(EMULATOR_FILE) && waited < 120_000; waited += 1000) await sleep(1000);
  const { startServer } = await import(EMULATOR_FILE.href);
  emulator = await startServer({ port: 0, host: '127.0.0.1', log: false });
});
after(() => emulator?.close());


/** @param {string} url @param {unknown} body @param {Record<string, string>} [headers] */
async function post(url, body, headers = {}) {
  return answer(await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }));
}

/**
 * A request with an exact path (fetch would normalise `..`) and a raw body.
 * @param {string} base @param {{ method?: string, path: string, headers?: Record<string, string>, body?: string | Buffer }} spec
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, json: any }>}
 */
function raw(base, { method = 'POST', path, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A proxy for one test, logging into `lines`; closed after the test. Limits off unless asked.
 * @param {import('node:test').TestContext} t
 * @param {Partial<import('../../proxy/index.js').ProxyOptions> & { baseUrl: string }} options
 */
async function proxyFor(t, options) {
  /** @type {string[]} */
  const lines = [];
  const running = await startProxy({ port: 0, host: '127.0.0.1', rateLimit: 0, sendLimit: 0, log: (line) => lines.push(line), ...options });
  t.after(() => running.close({ graceMs: 0 }));
  return { ...running, api: `${running.url}${options.pathPrefix ?? PREFIX}/auth/v1/mfa`, lines };
}

/**
 * A fake upstream that records every call; `reply` answers it (default: a Capillary success).
 * @param {import('node:test').TestContext} t
 * @param {(call: Call, res: import('node:http').ServerResponse) => void} [reply]
 */
const fakeUpstream = (t, reply) => fakeCapillary(t, reply ? { reply } : {});

/** @param {{ status: number, json: any }} res @param {number} status */
function assertRefusal(res, status) {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json?.status?.success, false);
  assert.equal(res.json.status.code, status);
  assert.equal(typeof res.json.status.message, 'string');
}

/** A fresh emulator namespace: its base URL (the proxy's upstream) and its control calls. */
function namespace() {
  const base = `${emulator.url}/sandbox/p-${randomUUID().slice(0, 12)}`;
  /** @param {string} method @param {string} path @param {unknown} [body] */
  const control = async (method, path, body) => answer(await fetch(`${base}/__emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
  const identity = { identifierType: 'MOBILE', identifierValue: `9180${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, deviceId: 'device-1', brand: 'Bukl' };
  return { base, control, identity };
}

/**
 * The whole chain through the proxy at `api`; returns every secret it saw, for the log checks.
 * @param {string} api @param {ReturnType<typeof namespace>} ns
 */
async function fullFlow(api, ns) {
  const minted = await ns.control('POST', 'first-factor', { identifierValue: ns.identity.identifierValue });
  assert.equal(minted.status, 200, minted.text);
  const authorizedToken = minted.json.authorizedToken;

  const opened = await post(`${api}/token/generate`, { ...ns.identity, authorizedToken });
  assert.equal(opened.status, 200, opened.text);
  assert.equal(opened.json.status.success, true, opened.text);
  const sessionId = opened.json.user.sessionId;

  const sent = await post(`${api}/otp/generate`, { ...ns.identity, sessionId });
  assert.deepEqual(sent.json, { status: { success: true, code: 200, message: 'SUCCESS' } });
  const box = await ns.control('GET', `outbox?identifierValue=${ns.identity.identifierValue}`);
  const code = box.json.messages.at(-1).code;
  assert.match(code, /^\d{6}$/);

  const validated = await post(`${api}/otp/validate`, { ...ns.identity, sessionId, otp: code });
  assert.equal(validated.status, 200, validated.text);
  assert.equal(validated.json.status.success, true, validated.text);
  assert.equal(validated.json.user.role, 'USER');
  for (const res of [opened, sent, validated]) {
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  }
  return { authorizedToken, sessionId, code, token: validated.json.auth.token, key: validated.json.auth.key, openToken: opened.json.auth.token };
}

describe('in front of the emulator', { timeout: TEST_TIMEOUT }, () => {
  test('a full MFA flow: token generate, OTP generate, code from the outbox, OTP validate', async (t) => {
    const ns = namespace();
    const proxy = await proxyFor(t, { baseUrl: ns.base });
    const seen = await fullFlow(proxy.api, ns);
    assert.equal(seen.token.split('.').length, 3);
    // The session is consumed upstream: the same validate again is the vendor's 1505, passed through.
    const again = await post(`${proxy.api}/otp/validate`, { ...ns.identity, sessionId: seen.sessionId, otp: seen.code });
    assert.equal(again.status, 401);
    assert.equal(again.json.status.code, 1505);
  });

  test('one log line per request (method, path, status, ms, address), never tokens, codes, OTPs or bodies', async (t) => {
    const ns = namespace();
    const proxy = await proxyFor(t, { baseUrl: ns.base });
    const seen = await fullFlow(proxy.api, ns);
    const wrong = await post(`${proxy.api}/otp/validate`, { ...ns.identity, sessionId: seen.sessionId, otp: '000000' });
    assert.equal(wrong.status, 401);
    // Secrets in a path or a query the proxy refuses do not reach the log either.
    assertRefusal(await post(`${proxy.url}${PREFIX}/${seen.token}/${seen.code}?otp=${seen.code}&t=${seen.authorizedToken}`, {}), 404);

    assert.equal(proxy.lines.length, 5, proxy.lines.join('\n'));
    assert.match(proxy.lines[0] ?? '', /^POST \/api\/capillary\/auth\/v1\/mfa\/token\/generate 200 \d+ms 127\.0\.0\.1$/);
    assert.match(proxy.lines[1] ?? '', /^POST \/api\/capillary\/auth\/v1\/mfa\/otp\/generate 200 \d+ms 127\.0\.0\.1$/);
    assert.match(proxy.lines[2] ?? '', /^POST \/api\/capillary\/auth\/v1\/mfa\/otp\/validate 200 \d+ms 127\.0\.0\.1$/);
    assert.match(proxy.lines[4] ?? '', /^POST \/api\/capillary\/…\/… 404 \d+ms 127\.0\.0\.1$/);
    const log = proxy.lines.join('\n');
    const secrets = [seen.authorizedToken, seen.sessionId, seen.code, seen.token, seen.key, seen.openToken, ns.identity.identifierValue, '000000'];
    for (const secret of secrets) {
      assert.ok(secret && !log.includes(secret), `log leaks ${secret}`);
      for (const part of String(secret).split('.')) assert.ok(!log.includes(part), 'log leaks part of a token');
    }
    assert.doesNotMatch(log, /"|\{|deviceId|Bukl/);
  });

  test('vendor failures pass through: status, Capillary body, Content-Type and Retry-After', async (t) => {
    const ns = namespace();
    const proxy = await proxyFor(t, { baseUrl: ns.base });
    const body = { ...ns.identity, sessionId: 'P-anything' };

    await ns.control('POST', 'faults', { path: 'otp/generate', type: 'code', code: 429, headers: { 'Retry-After': '42' } });
    const limited = await post(`${proxy.api}/otp/generate`, body);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '42');
    assert.equal(limited.json.status.success, false);
    assert.equal(limited.json.status.code, 429);

    await ns.control('POST', 'faults', { path: 'otp/generate', type: 'code', code: 1534, httpStatus: 200 });
    const max = await post(`${proxy.api}/otp/generate`, body);
    assert.equal(max.status, 200);
    assert.equal(max.json.status.code, 1534);
    assert.equal(max.headers.get('retry-after'), null);

    // An upstream error page is not passed on: the site's origin answers JSON only (issue 15, finding 5).
    await ns.control('POST', 'faults', { path: 'otp/generate', type: 'http', status: 503 });
    const html = await post(`${proxy.api}/otp/generate`, body);
    assertRefusal(html, 502);
    assert.match(html.headers.get('content-type') ?? '', /^application\/json/);
    assert.doesNotMatch(html.text, /<html/i);
    assert.equal(html.headers.get('cache-control'), 'no-store');

    await ns.control('POST', 'faults', { path: 'otp/generate', type: 'drop' });
    assertRefusal(await post(`${proxy.api}/otp/generate`, body), 502);

    const unknown = await post(`${proxy.api}/otp/generate`, body);
    assert.equal(unknown.status, 401);
    assert.equal(unknown.json.status.code, 1505);
  });
});

describe('what is forwarded', { timeout: TEST_TIMEOUT }, () => {
  test('credentials are added server-side; the client\'s Cookie, Authorization and other headers are not', async (t) => {
    const upstream = await fakeUpstream(t, (_call, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Set-Cookie': 'upstream=1',
        'Cache-Control': 'public, max-age=600',
        'X-Powered-By': 'capillary',
        Connection: 'keep-alive, X-Hop',
        'X-Hop': 'hop',
      });
      res.end('{"status":{"success":true,"code":200,"message":"SUCCESS"}}');
    });
    const basic = await proxyFor(t, { baseUrl: `${upstream.url}/vendor/`, basicUser: 'org-user', basicPassword: 'p@ss:word' });
    const body = BODY['otp/validate'];
    const res = await post(`${basic.api}/otp/validate?debug=1`, JSON.stringify(body, null, 2), {
      Cookie: 'session=browser-cookie',
      Authorization: 'Bearer from-the-browser',
      'Proxy-Authorization': 'Basic eA==',
      'X-CSRF-Token': 'csrf-for-the-site',
      'X-Forwarded-For': '10.0.0.1',
      'Accept-Language': 'hi-IN',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.equal(res.headers.get('x-powered-by'), null);
    assert.equal(res.headers.get('x-hop'), null);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('content-type'), 'application/json');

    const [call] = upstream.calls;
    assert.ok(call);
    assert.equal(call.method, 'POST');
    assert.equal(call.url, '/vendor/auth/v1/mfa/otp/validate', 'base path kept, query dropped');
    assert.equal(call.headers.authorization, `Basic ${Buffer.from('org-user:p@ss:word').toString('base64')}`);
    assert.equal(call.headers['content-type'], 'application/json');
    assert.equal(call.headers['accept-language'], 'hi-IN');
    for (const name of ['cookie', 'proxy-authorization', 'x-csrf-token', 'x-forwarded-for']) assert.equal(call.headers[name], undefined, name);
    assert.deepEqual(call.body, body);

    const bearer = await proxyFor(t, { baseUrl: upstream.url, bearerToken: 'server-side-token' });
    await post(`${bearer.api}/token/generate`, BODY['token/generate'], { Authorization: 'Basic YnJvd3Nlcjp4' });
    assert.equal(upstream.calls[1]?.url, '/auth/v1/mfa/token/generate');
    assert.equal(upstream.calls[1]?.headers.authorization, 'Bearer server-side-token');

    const none = await proxyFor(t, { baseUrl: upstream.url });
    await post(`${none.api}/otp/generate`, BODY['otp/generate'], { Authorization: 'Bearer from-the-browser' });
    assert.equal(upstream.calls[2]?.headers.authorization, undefined, 'without credentials configured, none are sent');
    for (const line of [...basic.lines, ...bearer.lines]) assert.doesNotMatch(line, /server-side-token|p@ss|org-user|from-the-browser/);
  });

  test('only POST on the three MFA paths is forwarded; other paths 404, other methods 405', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url });
    const json = { 'Content-Type': 'application/json' };
    const paths = [
      '/',
      PREFIX,
      `${PREFIX}/`,
      '/auth/v1/mfa/otp/generate',
      `${PREFIX}/auth/v1/token/generate`,
      `${PREFIX}/auth/v1/otp/validate`,
      `${PREFIX}/auth/v1/mfa/otp/generate/`,
      `${PREFIX}/auth/v1/mfa/otp/generate/x`,
      `${PREFIX}/auth/v1/mfa/x/../otp/generate`,
      `${PREFIX}/auth/v1/mfa/otp%2Fgenerate`,
      `${PREFIX}//auth/v1/mfa/otp/generate`,
      `${PREFIX}/AUTH/v1/mfa/otp/generate`,
      `${PREFIX}/__emulator/outbox`,
      `${PREFIX}/sandbox/x/auth/v1/mfa/otp/generate`,
      `${PREFIX}/auth/v1/mfa/otp/generate;x`,
      '/api/capillaryx/auth/v1/mfa/otp/generate',
    ];
    for (const path of paths) assertRefusal(await raw(proxy.url, { path, headers: json, body: '{}' }), 404);
    assertRefusal(await raw(proxy.url, { method: 'GET', path: `${PREFIX}/__emulator/outbox` }), 404);
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      // Node's client sends a GET or DELETE body with no length: the server would read it as a second, broken request.
      const body = method === 'PUT' || method === 'PATCH' ? '{}' : undefined;
      const res = await raw(proxy.url, { method, path: `${PREFIX}/auth/v1/mfa/otp/validate`, headers: json, body });
      assertRefusal(res, 405);
      assert.equal(res.headers.allow, 'POST, OPTIONS');
      assert.equal(res.headers['cache-control'], 'no-store');
    }
    assert.equal(upstream.calls.length, 0);
    for (const route of /** @type {const} */ (['token/generate', 'otp/generate', 'otp/validate'])) {
      assert.equal((await raw(proxy.url, { path: `${PREFIX}/auth/v1/mfa/${route}`, headers: json, body: JSON.stringify(BODY[route]) })).status, 200);
    }
    assert.deepEqual(upstream.calls.map((c) => c.url), ['/auth/v1/mfa/token/generate', '/auth/v1/mfa/otp/generate', '/auth/v1/mfa/otp/validate']);
  });

  test('a custom PROXY_PATH_PREFIX, or none', async (t) => {
    const upstream = await fakeUpstream(t);
    const custom = await proxyFor(t, { baseUrl: upstream.url, pathPrefix: '/mfa-proxy/' });
    const body = BODY['otp/generate'];
    assert.equal((await post(`${custom.url}/mfa-proxy/auth/v1/mfa/otp/generate`, body)).status, 200);
    assertRefusal(await post(`${custom.url}${PREFIX}/auth/v1/mfa/otp/generate`, body), 404);
    const root = await proxyFor(t, { baseUrl: upstream.url, pathPrefix: '' });
    assert.equal((await post(`${root.url}/auth/v1/mfa/otp/generate`, body)).status, 200);
    assert.equal(upstream.calls.length, 2);
  });

  test('bodies over MAX_BODY_BYTES → 413, declared or streamed, and the connection is closed', async (t) => {
    const upstream = await fakeUpstream(t);
    const fits = JSON.stringify(BODY['otp/generate']);
    const cap = Buffer.byteLength(fits);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, maxBodyBytes: cap });
    assert.equal((await post(`${proxy.api}/otp/generate`, fits)).status, 200);

    const over = await post(`${proxy.api}/otp/generate`, `${fits} `);
    assertRefusal(over, 413);
    assert.equal(over.headers.get('connection'), 'close');
    assertRefusal(await post(`${proxy.api}/otp/generate`, 'x'.repeat(2_000_000)), 413);

    // Chunked, no Content-Length (1 MiB; an endless stream would spin Node's fetch after the answer).
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let pulled = 0;
    const big = new ReadableStream({ pull: (controller) => (++pulled > 1024 ? controller.close() : controller.enqueue(chunk)) });
    const streamed = await fetch(`${proxy.api}/otp/generate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: big,
      // @ts-expect-error Node's fetch needs duplex for a stream body; lib.dom does not know it
      duplex: 'half',
    });
    assert.equal(streamed.status, 413);
    await streamed.body?.cancel();

    // The proxy then closes the connection instead of reading the rest: the socket ends while the body is unfinished.
    const socket = connect(proxy.port, '127.0.0.1');
    socket.write(`POST ${PREFIX}/auth/v1/mfa/otp/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    socket.write(`400\r\n${' '.repeat(1024)}\r\n`);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (data) => (received += data));
    socket.on('error', () => {}); // a reset after the answer is fine too
    await new Promise((resolve) => socket.once('close', resolve));
    assert.match(received, /^HTTP\/1\.1 413 /);
    assert.equal(upstream.calls.length, 1, 'nothing over the cap reached upstream');
  });

  test('only application/json bodies that are JSON objects: 415 otherwise, 400 for bad JSON', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url });
    const path = `${PREFIX}/auth/v1/mfa/otp/generate`;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'text/json']) {
      assertRefusal(await raw(proxy.url, { path, headers: { 'Content-Type': type }, body: '{}' }), 415);
    }
    assertRefusal(await raw(proxy.url, { path, body: '{}' }), 415);
    assertRefusal(await raw(proxy.url, { path, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: '{}' }), 415);
    for (const body of ['', '{not json', '[1,2]', 'null', '"text"', '42', '{"a":1}{']) {
      assertRefusal(await raw(proxy.url, { path, headers: { 'Content-Type': 'application/json' }, body }), 400);
    }
    const latin1 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]); // {"a":"é"} in Latin-1, not UTF-8
    assertRefusal(await raw(proxy.url, { path, headers: { 'Content-Type': 'application/json' }, body: latin1 }), 400);
    assert.equal(upstream.calls.length, 0);
    const accented = { ...BODY['otp/generate'], deviceId: 'appareil-é' };
    assert.equal((await raw(proxy.url, { path, headers: { 'Content-Type': 'Application/JSON; charset=utf-8' }, body: JSON.stringify(accented) })).status, 200);
    assert.deepEqual(upstream.calls[0]?.body, accented);
  });

  test('CORS: preflight and answers for allowed origins; other origins 403; same-origin and no Origin pass', async (t) => {
    const upstream = await fakeUpstream(t, (_call, res) => {
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '7' });
      res.end('{"status":{"success":false,"code":429,"message":"OTP rate limit exceeded"}}');
    });
    const proxy = await proxyFor(t, { baseUrl: upstream.url, allowedOrigins: ['https://shop.example', 'http://localhost:5173'] });
    const path = `${PREFIX}/auth/v1/mfa/otp/generate`;
    const SEND = JSON.stringify(BODY['otp/generate']);
    const preflight = await raw(proxy.url, {
      method: 'OPTIONS',
      path,
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type, x-csrf-token' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://shop.example');
    assert.equal(preflight.headers['access-control-allow-methods'], 'POST');
    assert.equal(preflight.headers['access-control-allow-headers'], 'content-type, x-csrf-token');
    assert.equal(preflight.headers.vary, 'Origin');
    assert.equal(upstream.calls.length, 0, 'a preflight is answered here');

    const refused = await raw(proxy.url, { method: 'OPTIONS', path, headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    assertRefusal(refused, 403);
    assert.equal(refused.headers['access-control-allow-origin'], undefined);

    const allowed = await raw(proxy.url, { path, headers: { Origin: 'http://localhost:5173', 'Content-Type': 'application/json' }, body: SEND });
    assert.equal(allowed.status, 429);
    assert.equal(allowed.headers['access-control-allow-origin'], 'http://localhost:5173');
    assert.equal(allowed.headers['access-control-expose-headers'], 'Retry-After', 'so the element can read Retry-After cross-origin');
    assert.equal(allowed.headers['retry-after'], '7');

    assertRefusal(await raw(proxy.url, { path, headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' }, body: SEND }), 403);
    assertRefusal(await raw(proxy.url, { path, headers: { Origin: 'null', 'Content-Type': 'application/json' }, body: SEND }), 403);
    const host = new URL(proxy.url).host;
    const same = await raw(proxy.url, { path, headers: { Origin: `http://${host}`, 'Content-Type': 'application/json' }, body: SEND });
    assert.equal(same.status, 429);
    assert.equal(same.headers['access-control-allow-origin'], undefined);
    assert.equal((await raw(proxy.url, { path, headers: { 'Content-Type': 'application/json' }, body: SEND })).status, 429);
    assert.equal(upstream.calls.length, 3);

    const sameOnly = await proxyFor(t, { baseUrl: upstream.url });
    assertRefusal(await raw(sameOnly.url, { path, headers: { Origin: 'https://shop.example', 'Content-Type': 'application/json' }, body: SEND }), 403);
  });
});

describe('limits and failures', { timeout: TEST_TIMEOUT }, () => {
  test('rate limit: RATE_LIMIT requests a minute per address, then 429 with Retry-After and a Capillary body', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, rateLimit: 3 });
    const url = `${proxy.api}/otp/generate`;
    const body = BODY['otp/generate'];
    for (let i = 0; i < 3; i += 1) assert.equal((await post(url, body)).status, 200);
    const limited = await post(url, body);
    assertRefusal(limited, 429);
    const wait = Number(limited.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}: within the minute`);
    assertRefusal(await post(`${proxy.url}${PREFIX}/other`, body), 429);
    assert.equal(upstream.calls.length, 3);
    assert.match(proxy.lines.at(-1) ?? '', / 429 \d+ms 127\.0\.0\.1$/);

    // X-Forwarded-For is ignored unless TRUST_PROXY says who may set it.
    assertRefusal(await post(url, body, { 'X-Forwarded-For': '203.0.113.9' }), 429);
    // One trusted hop (the loopback peer here): the client is the entry it appended, the rightmost.
    const behind = await proxyFor(t, { baseUrl: upstream.url, rateLimit: 1, trustProxy: 1 });
    const burl = `${behind.api}/otp/generate`;
    assert.equal((await post(burl, body, { 'X-Forwarded-For': '10.0.0.1, 203.0.113.9' })).status, 200);
    assertRefusal(await post(burl, body, { 'X-Forwarded-For': '10.0.0.2, 203.0.113.9' }), 429);
    assert.equal((await post(burl, body, { 'X-Forwarded-For': '198.51.100.4' })).status, 200);
    // One IPv6 customer holds a /64: its addresses share a bucket.
    assert.equal((await post(burl, body, { 'X-Forwarded-For': '2001:db8:1:2::1' })).status, 200);
    assertRefusal(await post(burl, body, { 'X-Forwarded-For': '2001:0db8:0001:0002:ffff::9' }), 429);
    assert.match(behind.lines.at(-1) ?? '', / 429 \d+ms 2001:0db8:0001:0002:ffff::9$/);
    // Text that is not an address names no one: the request counts against the trusted hop itself.
    await post(burl, body, { 'X-Forwarded-For': 'a\tb' });
    assert.match(behind.lines.at(-1) ?? '', / 127\.0\.0\.1$/);
  });

  test('upstream unreachable → 502, a redirect → 502 (not followed), both Capillary-shaped', async (t) => {
    const gone = await fakeUpstream(t);
    await gone.close();
    const proxy = await proxyFor(t, { baseUrl: gone.url, bearerToken: 'secret-bearer' });
    const down = await post(`${proxy.api}/otp/generate`, BODY['otp/generate']);
    assertRefusal(down, 502);
    assert.equal(down.headers.get('cache-control'), 'no-store');
    assert.match(proxy.lines[0] ?? '', / 502 \d+ms 127\.0\.0\.1 upstream=ECONNREFUSED$/);

    const redirecting = await fakeUpstream(t, (_call, res) => {
      res.writeHead(302, { Location: `${gone.url}/steal` });
      res.end();
    });
    const viaRedirect = await proxyFor(t, { baseUrl: redirecting.url, bearerToken: 'secret-bearer' });
    assertRefusal(await post(`${viaRedirect.api}/otp/generate`, BODY['otp/generate']), 502);
    assert.equal(redirecting.calls.length, 1);

    const flooding = await fakeUpstream(t, (_call, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`{"pad":"${'x'.repeat(300 * 1024)}"}`);
    });
    const viaFlood = await proxyFor(t, { baseUrl: flooding.url });
    assertRefusal(await post(`${viaFlood.api}/otp/generate`, BODY['otp/generate']), 502);
    assert.match(viaFlood.lines[0] ?? '', / upstream=too-large$/);
  });

  test('upstream that never answers → 504 after UPSTREAM_TIMEOUT_MS', async (t) => {
    const silent = await fakeUpstream(t, () => {}); // reads the call, never answers
    const proxy = await proxyFor(t, { baseUrl: silent.url, upstreamTimeoutMs: 150 });
    const started = performance.now();
    const res = await post(`${proxy.api}/otp/validate`, BODY['otp/validate']);
    const took = performance.now() - started;
    assertRefusal(res, 504);
    assert.ok(took >= 140 && took < 2000, `answered after ${Math.round(took)} ms`);
    assert.equal(silent.calls.length, 1);
    assert.match(proxy.lines[0] ?? '', / 504 \d+ms 127\.0\.0\.1 upstream=timeout$/);
  });

  test('close() lets a call in flight finish, then refuses connections; past graceMs the rest get 503', async (t) => {
    /** @type {(() => void)[]} */
    const held = [];
    /** @type {() => void} */
    let arrived = () => {};
    const upstream = await fakeUpstream(t, (_call, res) => {
      held.push(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"status":{"success":true,"code":200,"message":"SUCCESS"}}');
      });
      arrived();
    });
    const proxy = await proxyFor(t, { baseUrl: upstream.url });
    let reached = new Promise((resolve) => (arrived = () => resolve(undefined)));
    const inFlight = post(`${proxy.api}/otp/generate`, BODY['otp/generate']);
    await reached;
    const closed = proxy.close({ graceMs: 5000 });
    held.shift()?.();
    assert.equal((await inFlight).status, 200);
    await closed;
    await assert.rejects(fetch(`${proxy.api}/otp/generate`, { method: 'POST' }));

    const impatient = await proxyFor(t, { baseUrl: upstream.url });
    reached = new Promise((resolve) => (arrived = () => resolve(undefined)));
    const stuck = post(`${impatient.api}/otp/generate`, BODY['otp/generate']);
    await reached;
    await impatient.close({ graceMs: 30 });
    assertRefusal(await stuck, 503);
  });
});

describe('configuration', { timeout: TEST_TIMEOUT }, () => {
  test('optionsFromEnv reads the environment, flags win over PORT/HOST; defaults', () => {
    const options = optionsFromEnv({
      CAPILLARY_BASE_URL: 'https://eu.api.capillarytech.com',
      CAPILLARY_BEARER_TOKEN: 'tok',
      PORT: '9000',
      HOST: '0.0.0.0',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example,',
      MAX_BODY_BYTES: '4096',
      RATE_LIMIT: '10',
      TRUST_PROXY: '1',
      UPSTREAM_TIMEOUT_MS: '3000',
    }, ['--port', '9100']);
    assert.equal(options.port, 9100);
    assert.equal(options.host, '0.0.0.0');
    assert.deepEqual(options.allowedOrigins, ['https://a.example', 'https://b.example']);
    const config = resolveOptions(options);
    assert.equal(config.authorization, 'Bearer tok');
    assert.equal(config.maxBodyBytes, 4096);
    assert.equal(config.rateLimit, 10);
    assert.equal(config.trust('10.1.1.1', 0), true, 'TRUST_PROXY=1: one hop trusted');
    assert.equal(config.trust('10.1.1.1', 1), false);
    assert.equal(config.upstreamTimeoutMs, 3000);

    const defaults = resolveOptions(optionsFromEnv({ CAPILLARY_BASE_URL: 'https://eu.api.capillarytech.com/' }));
    assert.equal(defaults.baseUrl, 'https://eu.api.capillarytech.com');
    assert.equal(defaults.pathPrefix, '/api/capillary');
    assert.equal(defaults.authorization, null);
    assert.equal(defaults.allowedOrigins.size, 0);
    assert.deepEqual([defaults.maxBodyBytes, defaults.rateLimit, defaults.sendLimit, defaults.upstreamTimeoutMs], [8192, 30, 5, 10_000]);
    assert.equal(defaults.trust('127.0.0.1', 0), false, 'no proxy trusted by default');
    assert.equal(optionsFromEnv({}).port, 8788);
    assert.equal(optionsFromEnv({}).host, '127.0.0.1');
  });

  test('bad configurations are refused, and the message never repeats a credential', () => {
    const base = { CAPILLARY_BASE_URL: 'https://eu.api.capillarytech.com' };
    /** @type {Record<string, string>[]} */
    const bad = [
      {},
      { CAPILLARY_BASE_URL: 'eu.api.capillarytech.com' },
      { CAPILLARY_BASE_URL: 'ftp://eu.api.capillarytech.com' },
      { CAPILLARY_BASE_URL: 'https://user:hunter2@eu.api.capillarytech.com' },
      { ...base, CAPILLARY_BASIC_USER: 'org' },
      { ...base, CAPILLARY_BASIC_USER: 'org', CAPILLARY_BASIC_PASSWORD: 'hunter2', CAPILLARY_BEARER_TOKEN: 'hunter2' },
      { ...base, CAPILLARY_BEARER_TOKEN: 'hunter2\r\nX-Evil: 1' },
      { ...base, ALLOWED_ORIGINS: '*' },
      { ...base, ALLOWED_ORIGINS: 'not an origin' },
      { ...base, RATE_LIMIT: '-1' },
      { ...base, MAX_BODY_BYTES: '8k' },
      { ...base, TRUST_PROXY: 'maybe' },
      { ...base, PORT: '70000' },
      { ...base, PROXY_PATH_PREFIX: 'api' },
    ];
    for (const env of bad) {
      assert.throws(() => resolveOptions(optionsFromEnv(env)), (err) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      }, JSON.stringify(env));
    }
  });

  test('CLI: `node proxy/server.js` listens on PORT, forwards with credentials, stops on SIGTERM', async (t) => {
    const upstream = await fakeUpstream(t);
    const child = spawn(process.execPath, [PROXY_FILE, '--port', '0'], {
      env: { ...process.env, CAPILLARY_BASE_URL: upstream.url, CAPILLARY_BEARER_TOKEN: 'cli-secret', PORT: '1', HOST: '127.0.0.1', RATE_LIMIT: '5', PROXY_PATH_PREFIX: PREFIX, ALLOWED_ORIGINS: '', TRUST_PROXY: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let output = '';
    child.stderr.on('data', (chunk) => (output += chunk));
    const url = await new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\/api\/capillary/.exec(output);
        if (match) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    const res = await post(`${url}${PREFIX}/auth/v1/mfa/token/generate`, BODY['token/generate']);
    assert.equal(res.status, 200);
    assert.equal(upstream.calls[0]?.headers.authorization, 'Bearer cli-secret');
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(output, /POST \/api\/capillary\/auth\/v1\/mfa\/token\/generate 200 \d+ms 127\.0\.0\.1/);
    assert.doesNotMatch(output, /cli-secret/);

    const failed = spawn(process.execPath, [PROXY_FILE], { env: { ...process.env, CAPILLARY_BASE_URL: '', CAPILLARY_BEARER_TOKEN: 'cli-secret' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    failed.stderr.on('data', (chunk) => (errors += chunk));
    const code = await new Promise((resolve) => failed.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(errors, /config: CAPILLARY_BASE_URL is required/);
    assert.doesNotMatch(errors, /cli-secret/);
  });

  test('CLI: REDIS_URL without the ioredis package stops at start with a message that says so (not a 500 per request)', async () => {
    // A resolve hook that hides ioredis, as in an install without the optional peer dependency.
    const hook = `data:text/javascript,${encodeURIComponent(`
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(
        'export async function resolve(s, c, next) { if (s === "ioredis") { const e = new Error("Cannot find package ioredis"); e.code = "ERR_MODULE_NOT_FOUND"; throw e; } return next(s, c); }'));
    `)}`;
    const child = spawn(process.execPath, ['--import', hook, PROXY_FILE, '--port', '0'], {
      env: { ...process.env, CAPILLARY_BASE_URL: 'http://127.0.0.1:9', REDIS_URL: 'redis://127.0.0.1:9', RATE_LIMIT: '5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    assert.equal(code, 1, output);
    assert.match(output, /"ioredis" package is not installed/);
    assert.doesNotMatch(output, /listening on/);

    // The Fetch handler used without awaiting `ready`: requests answer 500, the process does not crash
    // on an unhandled rejection.
    const script = `
      const { createFetchHandler } = await import(${JSON.stringify(new URL('../../proxy/index.js', import.meta.url).href)});
      const handler = createFetchHandler({ baseUrl: 'http://127.0.0.1:9', redisUrl: 'redis://127.0.0.1:9', log: false });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const res = await handler(new Request('http://site.example/api/capillary/auth/v1/mfa/otp/generate', { method: 'POST' }), { remoteAddress: '198.51.100.1' });
      console.log('answered', res.status);
      await handler.close();
    `;
    const embedded = spawn(process.execPath, ['--import', hook, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    embedded.stdout.on('data', (chunk) => (said += chunk));
    embedded.stderr.on('data', (chunk) => (said += chunk));
    assert.equal(await new Promise((resolve) => embedded.once('exit', resolve)), 0, said);
    assert.match(said, /answered 500/);
  });
});
