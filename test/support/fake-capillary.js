// @ts-check
// A fake Capillary for the forwarding server's tests: an HTTP server on loopback that records every
// call and answers a success unless told otherwise; and the loopback listen-and-close-after-the-test
// that the tests' other small servers (Express, a Fetch adapter) need too.
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export const SUCCESS = { status: { success: true, code: 200, message: 'SUCCESS' } };

/** @typedef {{ method: string, url: string, headers: import('node:http').IncomingHttpHeaders, text: string, body: any }} Call */
/** @typedef {{ status?: number, type?: string, body?: string }} Canned */

/**
 * Listens on a free loopback port; closed (open connections too) after the test.
 * @param {import('node:test').TestContext} t @param {import('node:http').Server} server
 * @returns {Promise<string>} its base URL
 */
export async function listenOnLoopback(t, server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  t.after(() => new Promise((resolve) => {
    server.close(() => resolve(undefined));
    server.closeAllConnections();
  }));
  return `http://127.0.0.1:${port}`;
}

/**
 * Records each call (`url` as received, `text`, and `body` parsed, or null when not JSON). `reply` is
 * a canned answer or a function writing one (default: Capillary's success); `delayMs` answers late.
 * @param {import('node:test').TestContext} t
 * @param {{ reply?: Canned | ((call: Call, res: import('node:http').ServerResponse) => void), delayMs?: number }} [options]
 */
export async function fakeCapillary(t, { reply = {}, delayMs = 0 } = {}) {
  /** @type {Call[]} */
  const calls = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', async () => {
      /** @type {any} */
      let body = null;
      try {
        body = JSON.parse(text);
      } catch {
        // recorded as text only
      }
      const call = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, text, body };
      calls.push(call);
      if (delayMs) await sleep(delayMs);
      if (res.destroyed) return;
      if (typeof reply === 'function') return reply(call, res);
      res.writeHead(reply.status ?? 200, { 'Content-Type': reply.type ?? 'application/json' });
      res.end(reply.body ?? JSON.stringify(SUCCESS));
    });
  });
  const url = await listenOnLoopback(t, server);
  const close = () => new Promise((resolve) => {
    server.close(() => resolve(undefined));
    server.closeAllConnections();
  });
  return { url, calls, close };
}
