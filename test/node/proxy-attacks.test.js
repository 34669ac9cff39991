// @ts-check
// The forwarding server (proxy/index.js) against the attacks found in review: each one reproduced
// against a fake Capillary upstream on loopback that records what reaches it, next to the legitimate
// request that must still work. Client address spoofing (X-Forwarded-For, X-Forwarded-Host), SMS
// pumping across addresses, bodies outside the documented fields, upstream answers that must not
// reach the browser as they are, and slow or piling-up clients.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startProxy } from '../../proxy/index.js';
import { SUCCESS, fakeCapillary as fakeUpstream } from '../support/fake-capillary.js';

const PREFIX = '/api/capillary';
const API = `${PREFIX}/auth/v1/mfa`;
const TEST_TIMEOUT = 10_000;

const IDENTITY = { identifierType: 'MOBILE', identifierValue: '919800000001', deviceId: 'device-1', brand: 'Bukl' };
/** A valid body for each route, with exactly the documented keys. */
const BODY = {
  'token/generate': { ...IDENTITY, authorizedToken: 'first-factor-token' },
  'otp/generate': { ...IDENTITY, sessionId: 'P-session-1' },
  'otp/validate': { ...IDENTITY, sessionId: 'P-session-1', otp: '123456' },
};

/** @typedef {import('../support/fake-capillary.js').Call} Call */
/** @typedef {{ status: number, headers: import('node:http').IncomingHttpHeaders, text: string, json: any }} Reply */

/**
 * A proxy for one test (limits off unless asked, quiet, short client timeouts), closed after it.
 * @param {import('node:test').TestContext} t
 * @param {import('../../proxy/options.js').ProxyOptions} options
 */
async function proxyFor(t, options) {
  const running = await startProxy({
    port: 0,
    host: '127.0.0.1',
    rateLimit: 0,
    sendLimit: 0,
    log: false,
    headersTimeoutMs: 1000,
    requestTimeoutMs: 2000,
    ...options,
  });
  t.after(() => running.close({ graceMs: 0 }));
  return running;
}

/**
 * One request on its own connection, any headers (Origin, Host, X-Forwarded-*), raw body.
 * @param {string} base @param {string} path @param {{ method?: string, headers?: Record<string, string>, body?: unknown }} [spec]
 * @returns {Promise<Reply>}
 */
function call(base, path, { method = 'POST', headers = {}, body } = {}) {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      agent: false,
      timeout: 5000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON: tests that expect JSON fail on null
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 5 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** @param {Reply} res @param {number} status */
function assertRefusal(res, status) {
  assert.equal(res.status, status, res.text);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.equal(res.json?.status?.success, false, res.text);
  assert.equal(res.json.status.code, status);
}

/** @param {Reply} res */
function assertRetryAfter(res) {
  const value = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(value) && value >= 1, `Retry-After: ${res.headers['retry-after']}`);
}

/**
 * A raw TCP connection to the proxy: sends `text`, collects what comes back, and says when the server closed it.
 * @param {number} port @param {string} text
 */
function rawSocket(port, text) {
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  let data = '';
  let open = true;
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => (data += chunk));
  socket.on('error', () => {});
  if (text) socket.write(text);
  /** @type {Promise<{ ms: number, data: string }>} */
  const closed = new Promise((resolve) => socket.once('close', () => {
    open = false;
    resolve({ ms: Date.now() - started, data });
  }));
  return { socket, closed, isOpen: () => open, data: () => data };
}

/**
 * Waits for `promise` at most `ms`; rejects with `message` otherwise (so a socket left open fails the test fast).
 * @template T @param {Promise<T>} promise @param {number} ms @param {string} message @returns {Promise<T>}
 */
function within(promise, ms, message) {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(message)))]);
}

describe('client address: X-Forwarded-For is read from the right, past trusted hops only', { timeout: TEST_TIMEOUT }, () => {
  /**
   * 50 requests from loopback, each naming a new left-hand address, all with the same real client.
   * @param {import('node:test').TestContext} t @param {import('../../proxy/options.js').ProxyOptions['trustProxy']} trustProxy
   */
  async function rotateLeftAddress(t, trustProxy) {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, trustProxy, rateLimit: 5 });
    /** @type {Reply[]} */
    const answers = [];
    for (let i = 0; i < 50; i += 1) {
      answers.push(await call(proxy.url, `${API}/token/generate`, {
        headers: { 'X-Forwarded-For': `10.0.${i}.1, 203.0.113.9` },
        body: BODY['token/generate'],
      }));
    }
    const passed = answers.filter((res) => res.status === 200);
    const limited = answers.filter((res) => res.status === 429);
    assert.equal(passed.length, 5, `passed: ${passed.length}`);
    assert.equal(limited.length, 45);
    assert.equal(upstream.calls.length, 5);
    for (const res of limited) {
      assertRefusal(res, 429);
      assertRetryAfter(res);
    }
  }

  test('trustProxy 1: a rotating left-hand X-Forwarded-For does not make new clients (203.0.113.9 gets 5)', async (t) => {
    await rotateLeftAddress(t, 1);
  });

  test('trustProxy [\'127.0.0.1\'] (a list) reads the header like one hop here', async (t) => {
    await rotateLeftAddress(t, ['127.0.0.1']);
  });

  test('trustProxy 1: X-Forwarded-For values that are not IP addresses do not make new buckets', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, trustProxy: 1, rateLimit: 5 });
    const statuses = [];
    for (let i = 0; i < 12; i += 1) {
      const res = await call(proxy.url, `${API}/token/generate`, {
        headers: { 'X-Forwarded-For': `not-an-ip-${i}` },
        body: BODY['token/generate'],
      });
      statuses.push(res.status);
      if (res.status === 429) assertRetryAfter(res);
    }
    assert.deepEqual(statuses, [...Array(5).fill(200), ...Array(7).fill(429)]);
    assert.equal(upstream.calls.length, 5);
  });

  test('trustProxy 1 (negative): distinct real clients behind the one proxy each get their own limit', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, trustProxy: 1, rateLimit: 2 });
    for (let i = 0; i < 8; i += 1) {
      const res = await call(proxy.url, `${API}/token/generate`, {
        headers: { 'X-Forwarded-For': `10.9.9.9, 203.0.113.${i + 1}` },
        body: BODY['token/generate'],
      });
      assert.equal(res.status, 200, res.text);
    }
    assert.equal(upstream.calls.length, 8);
  });

  test('trustProxy false: X-Forwarded-For is ignored entirely (the socket is the client)', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, trustProxy: false, rateLimit: 5 });
    const statuses = [];
    for (let i = 0; i < 10; i += 1) {
      const res = await call(proxy.url, `${API}/token/generate`, {
        headers: { 'X-Forwarded-For': `203.0.113.${i + 1}` },
        body: BODY['token/generate'],
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [...Array(5).fill(200), ...Array(5).fill(429)]);
    assert.equal(upstream.calls.length, 5);
  });
});

describe('origin: X-Forwarded-Host is never trusted', { timeout: TEST_TIMEOUT }, () => {
  for (const trustProxy of [1, true, false]) {
    test(`trustProxy ${trustProxy}: Origin http://evil.example with X-Forwarded-Host: evil.example → 403, nothing upstream`, async (t) => {
      const upstream = await fakeUpstream(t);
      const proxy = await proxyFor(t, { baseUrl: upstream.url, trustProxy, publicOrigins: ['https://shop.example'] });
      for (const forwardedHost of ['evil.example', 'evil.example:80']) {
        const res = await call(proxy.url, `${API}/token/generate`, {
          headers: { Origin: 'http://evil.example', 'X-Forwarded-Host': forwardedHost, 'X-Forwarded-Proto': 'http' },
          body: BODY['token/generate'],
        });
        assertRefusal(res, 403);
      }
      assert.equal(upstream.calls.length, 0);
    });
  }

  test('Origin equal to a configured publicOrigins entry is allowed', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, trustProxy: 1, publicOrigins: ['https://shop.example'] });
    const res = await call(proxy.url, `${API}/token/generate`, {
      headers: { Origin: 'https://shop.example', 'X-Forwarded-For': '203.0.113.9' },
      body: BODY['token/generate'],
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(upstream.calls.length, 1);
  });

  test('Origin equal to the request\'s Host is allowed (same origin)', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url });
    const res = await call(proxy.url, `${API}/token/generate`, {
      headers: { Origin: proxy.url },
      body: BODY['token/generate'],
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(upstream.calls.length, 1);
  });
});

describe('SMS pumping: the send limit is per customer, across addresses', { timeout: TEST_TIMEOUT }, () => {
  test('6 otp/generate for one identifier from 6 addresses: 3 reach upstream, 3 are 429 with Retry-After', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, trustProxy: 1, rateLimit: 1000, sendLimit: 3 });
    const answers = [];
    for (let i = 0; i < 6; i += 1) {
      answers.push(await call(proxy.url, `${API}/otp/generate`, {
        headers: { 'X-Forwarded-For': `198.51.100.${i + 1}` },
        body: BODY['otp/generate'],
      }));
    }
    assert.deepEqual(answers.map((res) => res.status), [200, 200, 200, 429, 429, 429]);
    for (const res of answers.slice(3)) {
      assertRefusal(res, 429);
      assertRetryAfter(res);
    }
    assert.equal(upstream.calls.length, 3);

    // Another customer is not held up by the first one's limit.
    const other = await call(proxy.url, `${API}/otp/generate`, {
      headers: { 'X-Forwarded-For': '198.51.100.1' },
      body: { ...BODY['otp/generate'], identifierValue: '919800000002' },
    });
    assert.equal(other.status, 200, other.text);
    assert.equal(upstream.calls.length, 4);
    assert.equal(upstream.calls[3]?.body.identifierValue, '919800000002');
  });

  test('sends Capillary refused (made-up session IDs) are given back: the customer can still get a code', async (t) => {
    const refusing = /** @param {Call} seen @param {import('node:http').ServerResponse} res */ (seen, res) => {
      const known = seen.body?.sessionId === 'P-real';
      res.writeHead(known ? 200 : 400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(known ? SUCCESS : { status: { success: false, code: 1505, message: 'Invalid session' } }));
    };
    const upstream = await fakeUpstream(t, { reply: refusing });
    const proxy = await proxyFor(t, { baseUrl: upstream.url, trustProxy: 1, rateLimit: 1000, sendLimit: 3 });
    for (let i = 0; i < 10; i += 1) {
      const res = await call(proxy.url, `${API}/otp/generate`, {
        headers: { 'X-Forwarded-For': `198.51.100.${i + 1}` },
        body: { ...BODY['otp/generate'], sessionId: `P-made-up-${i}` },
      });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json?.status?.code, 1505);
    }
    // The customer's own session still gets its 3 codes; past them, the limit holds (negative).
    const own = [];
    for (let i = 0; i < 4; i += 1) own.push((await call(proxy.url, `${API}/otp/generate`, { body: { ...BODY['otp/generate'], sessionId: 'P-real' } })).status);
    assert.deepEqual(own, [200, 200, 200, 429]);
    assert.equal(upstream.calls.length, 13);
  });

  test('token/generate and otp/validate do not count toward the send limit', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, rateLimit: 1000, sendLimit: 2 });
    for (let i = 0; i < 4; i += 1) {
      assert.equal((await call(proxy.url, `${API}/token/generate`, { body: BODY['token/generate'] })).status, 200);
      assert.equal((await call(proxy.url, `${API}/otp/validate`, { body: BODY['otp/validate'] })).status, 200);
    }
    const sends = [];
    for (let i = 0; i < 3; i += 1) sends.push((await call(proxy.url, `${API}/otp/generate`, { body: BODY['otp/generate'] })).status);
    assert.deepEqual(sends, [200, 200, 429]);
    assert.equal(upstream.calls.length, 10);
  });
});

describe('bodies: exactly the documented fields, each a bounded string', { timeout: TEST_TIMEOUT }, () => {
  const valid = BODY['otp/validate'];
  const validText = JSON.stringify(valid).slice(1); // `"identifierType":…}` to prepend keys to, as raw JSON
  /** @type {[string, string][]} */
  const refused = [
    ['an unknown field', `{"a":2,${validText}`],
    ['a "__proto__" key in the JSON text', `{"__proto__":{"isAdmin":true},${validText}`],
    ['a "constructor" key', `{"constructor":{"prototype":{"x":1}},${validText}`],
    ['a missing field', JSON.stringify({ ...valid, deviceId: undefined })],
    ['a number where a string is expected', JSON.stringify({ ...valid, identifierValue: 919800000001 })],
    ['an object where a string is expected', JSON.stringify({ ...valid, sessionId: { $ne: '' } })],
    ['identifierType FOO', JSON.stringify({ ...valid, identifierType: 'FOO' })],
    ['otp abc', JSON.stringify({ ...valid, otp: 'abc' })],
    ['an identifierValue of 300 characters', JSON.stringify({ ...valid, identifierValue: '9'.repeat(300) })],
    ['an array', JSON.stringify([valid])],
    ['not JSON', '{identifierType: MOBILE'],
  ];
  for (const [name, text] of refused) {
    test(`${name} → 400, nothing upstream`, async (t) => {
      const upstream = await fakeUpstream(t);
      const proxy = await proxyFor(t, { baseUrl: upstream.url });
      assertRefusal(await call(proxy.url, `${API}/otp/validate`, { body: text }), 400);
      assert.equal(upstream.calls.length, 0);
    });
  }

  test('a valid body is forwarded with exactly the documented keys (negative)', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url });
    for (const [route, body] of Object.entries(BODY)) {
      const res = await call(proxy.url, `${API}/${route}`, { body });
      assert.equal(res.status, 200, res.text);
      const seen = upstream.calls.at(-1);
      assert.equal(seen?.url, `/auth/v1/mfa/${route}`);
      assert.deepEqual(seen?.body, body);
      assert.deepEqual(Object.keys(seen?.body).sort(), Object.keys(body).sort());
    }
  });

  test('brand configured: another brand → 403 and nothing upstream; the configured brand is forwarded', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, brand: 'Bukl' });
    assertRefusal(await call(proxy.url, `${API}/otp/generate`, { body: { ...BODY['otp/generate'], brand: 'Other' } }), 403);
    assert.equal(upstream.calls.length, 0);
    const ok = await call(proxy.url, `${API}/otp/generate`, { body: BODY['otp/generate'] });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(upstream.calls.length, 1);
    assert.equal(upstream.calls[0]?.body.brand, 'Bukl');
  });
});

describe('upstream answers: JSON only, no credentials, no odd statuses', { timeout: TEST_TIMEOUT }, () => {
  /**
   * @param {import('node:test').TestContext} t
   * @param {import('../support/fake-capillary.js').Canned | ((call: Call, res: import('node:http').ServerResponse) => void)} reply
   * @param {Partial<import('../../proxy/options.js').ProxyOptions>} [options]
   */
  async function through(t, reply, options = {}) {
    const upstream = await fakeUpstream(t, { reply });
    const proxy = await proxyFor(t, { baseUrl: upstream.url, ...options });
    const res = await call(proxy.url, `${API}/otp/generate`, { body: BODY['otp/generate'] });
    return { res, upstream };
  }

  test('an HTML 500 with <script> → 502 application/json without the page', async (t) => {
    const { res } = await through(t, { status: 500, type: 'text/html', body: '<html><script>alert(document.cookie)</script></html>' });
    assertRefusal(res, 502);
    assert.doesNotMatch(res.text, /<script/i);
    assert.doesNotMatch(res.text, /<html/i);
  });

  test('a 401 echoing the bearer token → the answer does not carry it', async (t) => {
    const echo = /** @param {Call} seen @param {import('node:http').ServerResponse} res */ (seen, res) => {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': `Bearer ${seen.headers.authorization}` });
      res.end(JSON.stringify({ status: { success: false, code: 401, message: `Invalid credentials: ${seen.headers.authorization}` }, got: seen.headers.authorization }));
    };
    const { res, upstream } = await through(t, echo, { bearerToken: 'sekret-token-123' });
    assert.equal(upstream.calls[0]?.headers.authorization, 'Bearer sekret-token-123');
    assert.equal(res.status, 401, res.text);
    assert.equal(res.json?.status?.success, false);
    assert.ok(!res.text.includes('sekret-token-123'), res.text);
    assert.match(res.text, /\[redacted\]/);
    assert.ok(!JSON.stringify(res.headers).includes('sekret-token-123'), JSON.stringify(res.headers));
  });

  test('a 401 echoing basic credentials → neither the base64, the user:password nor the password', async (t) => {
    const encoded = Buffer.from('api-user:pa55-word-xyz').toString('base64');
    const echo = /** @param {Call} seen @param {import('node:http').ServerResponse} res */ (seen, res) => {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({
        status: { success: false, code: 401, message: `Bad ${seen.headers.authorization}` },
        decoded: 'api-user:pa55-word-xyz',
        password: 'pa55-word-xyz',
      }));
    };
    const { res, upstream } = await through(t, echo, { basicUser: 'api-user', basicPassword: 'pa55-word-xyz' });
    assert.equal(upstream.calls[0]?.headers.authorization, `Basic ${encoded}`);
    assert.equal(res.status, 401, res.text);
    for (const secret of [encoded, 'api-user:pa55-word-xyz', 'pa55-word-xyz']) assert.ok(!res.text.includes(secret), `${secret} in ${res.text}`);
    assert.match(res.text, /\[redacted\]/);
  });

  test('status 999 → 502', async (t) => {
    const odd = /** @param {Call} _seen @param {import('node:http').ServerResponse} res */ (_seen, res) => {
      res.writeHead(999, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(SUCCESS));
    };
    assertRefusal((await through(t, odd)).res, 502);
  });

  test('status 302 → 502, the redirect is not followed', async (t) => {
    const redirect = /** @param {Call} _seen @param {import('node:http').ServerResponse} res */ (_seen, res) => {
      res.writeHead(302, { Location: 'http://127.0.0.1:1/elsewhere', 'Content-Type': 'application/json' });
      res.end('{}');
    };
    const { res, upstream } = await through(t, redirect);
    assertRefusal(res, 502);
    assert.equal(upstream.calls.length, 1);
  });

  test('200 with invalid JSON → 502', async (t) => {
    assertRefusal((await through(t, { status: 200, body: '{"status":{"success":tru' })).res, 502);
  });

  test('200 JSON passes through with 200 and the same meaning (negative)', async (t) => {
    const body = { status: { success: true, code: 200, message: 'SUCCESS' }, user: { sessionId: 'P-next', role: 'USER' } };
    const { res } = await through(t, { status: 200, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(res.json, body);
  });

  test('400 JSON passes through with 400 (negative)', async (t) => {
    const body = { status: { success: false, code: 1504, message: 'Invalid session' } };
    const { res } = await through(t, { status: 400, body: JSON.stringify(body) });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, body);
  });
});

describe('slow and piling-up clients', { timeout: TEST_TIMEOUT }, () => {
  test('a partial request head and then silence is closed within headersTimeoutMs + ~1 s', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
    const client = rawSocket(proxy.port, `POST ${API}/token/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl`);
    const { ms } = await within(client.closed, 4000, 'socket with a partial head left open');
    assert.ok(ms <= 1000 + 1500, `closed after ${ms} ms`);
    assert.equal(upstream.calls.length, 0);
  });

  test('complete headers and a trickling body is closed within requestTimeoutMs + ~1 s', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
    const client = rawSocket(proxy.port, [
      `POST ${API}/token/generate HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: 500', '', '{',
    ].join('\r\n'));
    const drip = setInterval(() => client.isOpen() && client.socket.write(' '), 200);
    t.after(() => clearInterval(drip));
    const { ms } = await within(client.closed, 5000, 'socket with a trickling body left open');
    clearInterval(drip);
    assert.ok(ms <= 2000 + 1500, `closed after ${ms} ms`);
    assert.equal(upstream.calls.length, 0);
  });

  /** @type {[string, Record<string, string>, number][]} */
  const early = [
    ['415 (wrong content type)', { 'Content-Type': 'text/plain' }, 415],
    ['403 (origin)', { 'Content-Type': 'application/json', Origin: 'http://evil.example' }, 403],
  ];
  for (const [name, headers, status] of early) {
    test(`a refusal before the body, ${name}, with a large unsent body: Connection: close and the socket closed`, async (t) => {
      const upstream = await fakeUpstream(t);
      const proxy = await proxyFor(t, { baseUrl: upstream.url, headersTimeoutMs: 5000, requestTimeoutMs: 8000, maxBodyBytes: 1_000_000 });
      const head = [`POST ${API}/token/generate HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Content-Length: 900000', '', ''];
      const client = rawSocket(proxy.port, head.join('\r\n'));
      const { ms, data } = await within(client.closed, 2000, 'socket left open after an early refusal');
      assert.ok(ms < 1500, `closed after ${ms} ms`);
      assert.match(data, new RegExp(`^HTTP/1\\.1 ${status} `));
      assert.match(data, /\r\nconnection: close\r\n/i);
      assert.match(data, /\r\ncontent-type: application\/json/i);
      assert.equal(upstream.calls.length, 0);
    });
  }

  test('maxConnections 2: a third concurrent connection is closed; the first two stay usable', async (t) => {
    const upstream = await fakeUpstream(t);
    const proxy = await proxyFor(t, { baseUrl: upstream.url, maxConnections: 2, headersTimeoutMs: 5000, requestTimeoutMs: 8000 });
    const first = rawSocket(proxy.port, '');
    const second = rawSocket(proxy.port, '');
    await Promise.all([first, second].map((c) => new Promise((resolve) => c.socket.once('connect', resolve))));
    await sleep(100);
    const third = rawSocket(proxy.port, '');
    await within(third.closed, 1500, 'third connection left open past maxConnections');
    assert.ok(first.isOpen() && second.isOpen(), 'the first two were closed');

    // The first connection still carries a request.
    const body = JSON.stringify(BODY['token/generate']);
    first.socket.write([
      `POST ${API}/token/generate HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body,
    ].join('\r\n'));
    const { data } = await within(first.closed, 3000, 'no answer on the first connection');
    assert.match(data, /^HTTP\/1\.1 200 /);
    second.socket.destroy();
  });

  test('upstreamConnections 2: 8 calls at once reach Capillary over at most 2 sockets, and all are answered', async (t) => {
    /** @type {Set<number>} */
    const ports = new Set();
    let open = 0;
    let most = 0;
    const upstream = await fakeUpstream(t, { delayMs: 150 });
    // Count the sockets the proxy opens to the fake Capillary, and how many are open at once.
    /** @type {import('node:net').Server} */
    const server = await new Promise((resolve) => {
      const counting = createTcpServer();
      counting.on('connection', (socket) => {
        ports.add(socket.remotePort ?? 0);
        most = Math.max(most, (open += 1));
        socket.on('close', () => (open -= 1));
        const target = connect(Number(new URL(upstream.url).port), '127.0.0.1');
        socket.pipe(target).pipe(socket);
        socket.on('error', () => target.destroy());
        target.on('error', () => socket.destroy());
      });
      counting.listen(0, '127.0.0.1', () => resolve(counting));
    });
    /** @type {Set<import('node:net').Socket>} */
    const relaySockets = new Set();
    server.on('connection', (socket) => relaySockets.add(socket));
    t.after(() => new Promise((resolve) => {
      server.close(() => resolve(undefined));
      for (const socket of relaySockets) socket.destroy();
    }));
    // The proxy under test talks to the counting relay instead of the fake directly.
    const relayPort = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
    const relayed = await proxyFor(t, { baseUrl: `http://127.0.0.1:${relayPort}`, upstreamConnections: 2 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => call(relayed.url, `${API}/token/generate`, { body: BODY['token/generate'] })));
    assert.deepEqual(answers.map((res) => res.status), Array(8).fill(200));
    assert.equal(upstream.calls.length, 8);
    assert.ok(most <= 2, `${most} sockets to Capillary at once`);
    assert.ok(ports.size <= 2, `${ports.size} sockets opened`);
  });

  test('maxInFlight 1 with a slow upstream: a second call is 503 with Retry-After; after the first ends a new one passes', async (t) => {
    const upstream = await fakeUpstream(t, { delayMs: 500 });
    const proxy = await proxyFor(t, { baseUrl: upstream.url, maxInFlight: 1 });
    const first = call(proxy.url, `${API}/token/generate`, { body: BODY['token/generate'] });
    await sleep(150);
    const second = await call(proxy.url, `${API}/token/generate`, { body: BODY['token/generate'] });
    assertRefusal(second, 503);
    assertRetryAfter(second);
    const done = await first;
    assert.equal(done.status, 200, done.text);
    const third = await call(proxy.url, `${API}/token/generate`, { body: BODY['token/generate'] });
    assert.equal(third.status, 200, third.text);
    assert.equal(upstream.calls.length, 2);
  });
});
