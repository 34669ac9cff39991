// @ts-check
// Standalone emulator: `node sandbox/server.js [--port 8787] [--host 127.0.0.1] [--quiet]
//   [--allow-origin https://app.test]… [--allow-host emulator.test]…` (or EMULATOR_ALLOWED_ORIGINS and
//   EMULATOR_ALLOWED_HOSTS, comma-separated). By default only loopback Host names are answered and only
//   pages of the emulator's own origin may use its control endpoints.
// Also imported by tests and sandbox/load.js through startServer().
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createEmulator } from './emulator.js';

/**
 * @typedef {object} RunningServer
 * @property {string} url e.g. http://127.0.0.1:8787
 * @property {number} port the bound port (useful with port 0)
 * @property {import('./emulator.js').Emulator} emulator the instance behind it, for stats() and sweep()
 * @property {() => Promise<void>} close
 */

/**
 * @param {{ port?: number, host?: string, log?: boolean | ((line: string) => void), defaults?: Partial<import('./rules.js').Config>, allowedOrigins?: string[], allowedHosts?: string[] }} [options]
 * @returns {Promise<RunningServer>}
 */
export async function startServer({ port = 8787, host = '127.0.0.1', log = true, defaults, allowedOrigins = [], allowedHosts = [] } = {}) {
  const emulator = createEmulator({ log, allowedOrigins, allowedHosts, ...(defaults ? { defaults } : {}) });
  const server = createServer(async (req, res) => {
    if (await emulator.handle(req, res)) return;
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: { success: false, code: 404, message: 'Not an emulator URL' } }));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  const bound = address && typeof address === 'object' ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}`,
    port: bound,
    emulator,
    close: () =>
      new Promise((resolve) => {
        emulator.close(); // ends hung calls first, or server.close() would wait for them
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'allow-origin': { type: 'string', multiple: true },
      'allow-host': { type: 'string', multiple: true },
    },
  });
  const list = (/** @type {string[] | undefined} */ flags, /** @type {string | undefined} */ env) =>
    [...(flags ?? []), ...(env ?? '').split(',')].map((v) => v.trim()).filter(Boolean);
  const port = Number(values.port ?? process.env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${values.port ?? process.env.PORT}`);
  const server = await startServer({
    port,
    host: values.host ?? '127.0.0.1',
    log: !values.quiet,
    allowedOrigins: list(values['allow-origin'], process.env.EMULATOR_ALLOWED_ORIGINS),
    allowedHosts: list(values['allow-host'], process.env.EMULATOR_ALLOWED_HOSTS),
  });
  console.log(`Capillary emulator listening on ${server.url}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
