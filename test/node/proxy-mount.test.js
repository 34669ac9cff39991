// @ts-check
// The forwarding server mounted the ways docs/deploy.md shows: as Express middleware (with and without
// express.json() in front), as a Fetch API handler called directly (Next.js, Hono, Deno, Bun), and as
// the plain Node server from startProxy() in front of the emulator for the whole MFA chain.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { createFetchHandler, createNodeHandler, startProxy } from '../../proxy/index.js';
import { fakeCapillary, listenOnLoopback } from '../support/fake-capillary.js';
import { answer } from '../support/http-answer.js';

const EMULATOR_FILE = new URL('../../sandbox/server.js', import.meta.url);
const PREFIX = '/api/capillary';
const API = `${PREFIX}/auth/v1/mfa`;
const TEST_TIMEOUT = 15_000;

const IDENTITY = { identifierType: 'MOBILE', identifierValue: '919800000001', deviceId: 'device-1', brand: 'Bukl' };
const TOKEN_BODY = { ...IDENTITY, authorizedToken: 'first-factor-token' };
const UPSTREAM_ANSWER = { status: { success: true, code: 200, message: 'SUCCESS' }, user: { sessionId: 'P-from-upstream' } };

/** A fake Capillary that records every call and answers UPSTREAM_ANSWER; closed after the test. @param {import('node:test').TestContext} t */
const fakeUpstream = (t) => fakeCapillary(t, { reply: { body: JSON.stringify(UPSTREAM_ANSWER) } });

/**
 * POST JSON; a hang fails in 3 s rather than at the test timeout.
 * @param {string} url @param {unknown} body @param {Record<string, string>} [headers]
 */
async function post(url, body, headers = {}) {
  return answer(await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(3000),
  }));
}

/**
 * An Express app on loopback with the proxy mounted, and a route of the site's own after it.
 * @param {import('node:test').TestContext} t @param {string} baseUrl @param {{ json: boolean }} spec
 */
async function expressApp(t, baseUrl, { json }) {
  const proxy = createNodeHandler({ baseUrl, rateLimit: 0, sendLimit: 0, log: false });
  const app = express();
  if (json) app.use(express.json());
  app.use(proxy);
  app.get('/health', (_req, res) => {
    res.type('text/plain').send('site ok');
  });
  app.post('/site/form', (req, res) => {
    res.json({ site: true, got: req.body ?? null });
  });
  t.after(() => proxy.close());
  return listenOnLoopback(t, createServer(app));
}

describe('as Express middleware', { timeout: TEST_TIMEOUT }, () => {
  for (const json of [true, false]) {
    const label = json ? 'after express.json()' : 'without a body parser';
    test(`${label}: a valid POST is answered (no hang) and upstream got the body`, async (t) => {
      const upstream = await fakeUpstream(t);
      const site = await expressApp(t, upstream.url, { json });
      const res = await post(`${site}${API}/token/generate`, TOKEN_BODY);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, UPSTREAM_ANSWER);
      assert.equal(upstream.calls.length, 1);
      assert.equal(upstream.calls[0]?.url, '/auth/v1/mfa/token/generate');
      assert.deepEqual(upstream.calls[0]?.body, TOKEN_BODY);
    });

    test(`${label}: the rules still hold (unknown field → 400, nothing upstream)`, async (t) => {
      const upstream = await fakeUpstream(t);
      const site = await expressApp(t, upstream.url, { json });
      const res = await post(`${site}${API}/token/generate`, { ...TOKEN_BODY, extra: 1 });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json?.status?.code, 400);
      assert.equal(upstream.calls.length, 0);
    });

    test(`${label}: routes outside the prefix reach the next Express handler`, async (t) => {
      const upstream = await fakeUpstream(t);
      const site = await expressApp(t, upstream.url, { json });
      const health = await answer(await fetch(`${site}/health`, { signal: AbortSignal.timeout(3000) }));
      assert.equal(health.status, 200);
      assert.equal(health.text, 'site ok');
      const form = await post(`${site}/site/form`, { a: 1 });
      assert.equal(form.status, 200, form.text);
      assert.equal(form.json.site, true);
      if (json) assert.deepEqual(form.json.got, { a: 1 });
      // A path that only starts like the prefix is not the proxy's either.
      const near = await answer(await fetch(`${site}${PREFIX}x/health`, { signal: AbortSignal.timeout(3000) }));
      assert.equal(near.status, 404);
      assert.equal(upstream.calls.length, 0);
    });
  }
});

describe('as a Fetch API handler', { timeout: TEST_TIMEOUT }, () => {
  /** @param {import('node:test').TestContext} t @param {string} baseUrl */
  function handlerFor(t, baseUrl) {
    const handler = createFetchHandler({ baseUrl, rateLimit: 0, sendLimit: 0, log: false });
    t.after(() => handler.close());
    return handler;
  }
  const info = { remoteAddress: '198.51.100.7' };

  test('a valid Request answers upstream\'s JSON', async (t) => {
    const upstream = await fakeUpstream(t);
    const handler = handlerFor(t, upstream.url);
    const response = await handler(new Request(`http://site.example${API}/token/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://site.example' },
      body: JSON.stringify(TOKEN_BODY),
    }), info);
    const res = await answer(response);
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(res.json, UPSTREAM_ANSWER);
    assert.deepEqual(upstream.calls[0]?.body, TOKEN_BODY);
  });

  test('an unknown path → 404 JSON; GET → 405 with Allow; neither goes upstream', async (t) => {
    const upstream = await fakeUpstream(t);
    const handler = handlerFor(t, upstream.url);
    const unknown = await answer(await handler(new Request(`http://site.example${API}/token/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TOKEN_BODY),
    }), info));
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(unknown.json?.status?.success, false);
    assert.equal(unknown.json.status.code, 404);

    const get = await answer(await handler(new Request(`http://site.example${API}/token/generate`), info));
    assert.equal(get.status, 405);
    assert.match(get.headers.get('allow') ?? '', /POST/);
    assert.equal(get.json?.status?.code, 405);
    assert.equal(upstream.calls.length, 0);
  });
});

describe('the Fetch handler behind a minimal node:http → Request adapter (as a runtime would serve it)', { timeout: TEST_TIMEOUT }, () => {
  /**
   * What Deno.serve or Bun.serve do, in a dozen lines: every node:http request becomes a `Request`
   * (body buffered), handed to the handler with the peer's address; the `Response` is written back.
   * Independent of proxy/node.js on purpose: the handler must not depend on its own adapter.
   * @param {import('node:test').TestContext} t @param {import('../../proxy/index.js').FetchHandler} handler
   */
  async function serve(t, handler) {
    const server = createServer(async (req, res) => {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body });
      const response = await handler(request, { remoteAddress: req.socket.remoteAddress });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    t.after(() => handler.close());
    return listenOnLoopback(t, server);
  }

  test('valid calls pass, the rules hold, and the per-address limit counts the peer', async (t) => {
    const upstream = await fakeUpstream(t);
    const site = await serve(t, createFetchHandler({ baseUrl: upstream.url, rateLimit: 3, sendLimit: 0, log: false }));
    const ok = await post(`${site}${API}/token/generate`, TOKEN_BODY);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json, UPSTREAM_ANSWER);
    const extra = await post(`${site}${API}/token/generate`, { ...TOKEN_BODY, extra: 1 });
    assert.equal(extra.status, 400, extra.text);
    const cross = await post(`${site}${API}/token/generate`, TOKEN_BODY, { Origin: 'https://evil.example' });
    assert.equal(cross.status, 403, cross.text);
    const limited = await post(`${site}${API}/token/generate`, TOKEN_BODY);
    assert.equal(limited.status, 429, limited.text);
    assert.equal(limited.json?.status?.code, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(limited.headers.get('connection'), 'keep-alive', 'the Fetch core sets no Connection header of its own');
    assert.equal(upstream.calls.length, 1);
    assert.deepEqual(upstream.calls[0]?.body, TOKEN_BODY);
  });

  test('called without a client address: one shared bucket, and one warning line', async (t) => {
    const upstream = await fakeUpstream(t);
    /** @type {string[]} */
    const lines = [];
    const handler = createFetchHandler({ baseUrl: upstream.url, rateLimit: 2, sendLimit: 0, log: (line) => lines.push(line) });
    t.after(() => handler.close());
    const send = (/** @type {string} */ forwardedFor) => handler(new Request(`http://site.example${API}/token/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify(TOKEN_BODY),
    }));
    // Without the peer, X-Forwarded-For cannot be read safely: it names no one, so callers share a bucket.
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await send(`203.0.113.${i + 1}`)).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.equal(lines.filter((line) => /no client address/.test(line)).length, 1);
    // With the address passed, each caller has its own (negative).
    const own = await handler(new Request(`http://site.example${API}/token/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TOKEN_BODY),
    }), { remoteAddress: '198.51.100.9' });
    assert.equal(own.status, 200);
  });
});

describe('a body read before the proxy', { timeout: TEST_TIMEOUT }, () => {
  test('the stream consumed and no req.body: 500 in Capillary\'s shape and a log line that says why, at once', async (t) => {
    const upstream = await fakeUpstream(t);
    /** @type {string[]} */
    const lines = [];
    const proxy = createNodeHandler({ baseUrl: upstream.url, rateLimit: 0, sendLimit: 0, log: (line) => lines.push(line) });
    const app = express();
    // A middleware that drains the body and keeps nothing, as a logging or signing middleware might.
    app.use((req, _res, next) => {
      req.on('data', () => {});
      req.on('end', () => next());
    });
    app.use(proxy);
    const server = createServer(app);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    t.after(async () => {
      await new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      });
      await proxy.close();
    });
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    const res = await post(`http://127.0.0.1:${address.port}${API}/token/generate`, TOKEN_BODY);
    assert.equal(res.status, 500, res.text);
    assert.equal(res.json?.status?.success, false);
    assert.equal(res.json.status.code, 500);
    assert.ok(lines.some((line) => /body was read before the proxy/.test(line)), lines.join('\n'));
    assert.equal(upstream.calls.length, 0);
  });
});

describe('as the Node server (startProxy) in front of the emulator', { timeout: TEST_TIMEOUT }, () => {
  /** @type {{ url: string, close(): Promise<void> }} */
  let emulator;
  before(async () => {
    const { startServer } = await import(EMULATOR_FILE.href);
    emulator = await startServer({ port: 0, host: '127.0.0.1', log: false });
  });
  after(() => emulator?.close());

  test('token/generate → otp/generate → otp/validate passes', async (t) => {
    const base = `${emulator.url}/sandbox/m-${randomUUID().slice(0, 12)}`;
    /** @param {string} method @param {string} path @param {unknown} [body] */
    const control = async (method, path, body) => answer(await fetch(`${base}/__emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(3000),
    }));
    const identity = { ...IDENTITY, identifierValue: `9180${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` };
    const proxy = await startProxy({ port: 0, host: '127.0.0.1', baseUrl: base, log: false, headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
    t.after(() => proxy.close({ graceMs: 0 }));
    const api = `${proxy.url}${API}`;

    const minted = await control('POST', 'first-factor', { identifierValue: identity.identifierValue });
    assert.equal(minted.status, 200, minted.text);
    const opened = await post(`${api}/token/generate`, { ...identity, authorizedToken: minted.json.authorizedToken });
    assert.equal(opened.status, 200, opened.text);
    assert.equal(opened.json.status.success, true, opened.text);
    const sessionId = opened.json.user.sessionId;

    const sent = await post(`${api}/otp/generate`, { ...identity, sessionId });
    assert.equal(sent.status, 200, sent.text);
    assert.equal(sent.json.status.success, true, sent.text);
    const box = await control('GET', `outbox?identifierValue=${identity.identifierValue}`);
    const code = box.json.messages.at(-1).code;
    assert.match(code, /^\d{6}$/);

    const validated = await post(`${api}/otp/validate`, { ...identity, sessionId, otp: code });
    assert.equal(validated.status, 200, validated.text);
    assert.equal(validated.json.status.success, true, validated.text);
    assert.equal(validated.json.user.role, 'USER');
    assert.equal(validated.json.auth.token.split('.').length, 3);
  });
});
