// @ts-check
// The forwarding server for <mfa-otp-flow> as a node:http server, and its command line: the site's own
// backend path that forwards the three Capillary MFA calls and adds the API credentials server-side,
// so the browser never holds them.
//
//   CAPILLARY_BASE_URL=https://eu.api.capillarytech.com CAPILLARY_BEARER_TOKEN=… node proxy/server.js
//   <mfa-otp-flow base-url="/api/capillary" …>
//
// Or import it: `import { startProxy, createNodeHandler, createFetchHandler } from 'mfa-otp-flow/server'`.
// Configuration, limits, Redis and deployment behind nginx or a load balancer: docs/deploy.md.
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createNodeHandler } from './node.js';
import { ConfigError, optionsFromEnv, resolveOptions } from './options.js';

/**
 * A node:http server running the proxy, with the client timeouts honoured to about a second (Node
 * checks them every `connectionsCheckingInterval`, 30 s unless set) and the connections capped.
 * @param {import('./options.js').ProxyOptions} options
 * @returns {import('node:http').Server & { proxy: import('./node.js').NodeHandler }}
 */
export function createProxy(options) {
  const proxy = createNodeHandler(options);
  const { config } = proxy.fetchHandler;
  const server = createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
      keepAliveTimeout: 5000,
    },
    (req, res) => void proxy(req, res),
  );
  server.maxConnections = config.maxConnections;
  server.on('close', () => void proxy.close());
  return Object.assign(server, { proxy });
}

/**
 * @typedef {object} RunningProxy
 * @property {string} url e.g. http://127.0.0.1:8788 (the widget's base-url is url + pathPrefix)
 * @property {number} port the bound port (useful with port 0)
 * @property {(options?: { graceMs?: number }) => Promise<void>} close stops accepting, lets calls in
 *   flight finish for up to graceMs (default 5000), then ends the rest (answered 503)
 */

/**
 * @param {import('./options.js').ProxyOptions & { port?: number, host?: string }} options
 * @returns {Promise<RunningProxy>}
 */
export async function startProxy({ port = 8788, host = '127.0.0.1', ...options }) {
  const server = createProxy(options);
  try {
    await server.proxy.fetchHandler.ready;
  } catch (err) {
    await server.proxy.close();
    throw err;
  }
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = server.address();
  const bound = address && typeof address === 'object' ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  /** @type {Promise<void> | null} */
  let closing = null;
  /** Waits, up to `until`, for the requests being answered to end, closing connections as they go idle. */
  const drain = async (/** @type {number} */ until) => {
    while (server.proxy.inFlight() > 0 && Date.now() < until) {
      server.closeIdleConnections();
      await sleep(20);
    }
  };
  return {
    url: `http://${shownHost}:${bound}`,
    port: bound,
    close: ({ graceMs = 5000 } = {}) =>
      (closing ??= (async () => {
        const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
        await drain(Date.now() + graceMs);
        server.proxy.abortAll(); // upstream calls still running are answered 503
        await drain(Date.now() + 1000);
        server.closeAllConnections();
        await closed;
        await server.proxy.close();
      })()),
  };
}

async function main() {
  const options = optionsFromEnv(process.env, process.argv.slice(2));
  const config = resolveOptions(options); // fail early, before listening
  const upstream = new URL(config.baseUrl);
  if (!config.authorization) console.warn('warning: no CAPILLARY_BASIC_* or CAPILLARY_BEARER_TOKEN: calls go upstream without credentials');
  if (upstream.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(upstream.hostname)) {
    console.warn('warning: CAPILLARY_BASE_URL is plain http: credentials would cross the network unencrypted');
  }
  if (config.trustsAll) console.warn('warning: TRUST_PROXY=true lets any client name its own address: set the hop count or the proxies\' addresses');
  if (!config.redisUrl) console.log('limits kept in memory (one instance); set REDIS_URL when several instances serve the site');
  const running = await startProxy(options);
  console.log(`Capillary proxy listening on ${running.url}${config.pathPrefix} → ${upstream.origin}`);
  const stop = () => running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof ConfigError ? `config: ${err.message}` : err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
