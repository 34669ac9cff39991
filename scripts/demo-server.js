// The demo's vite dev server (npm start's page, with the emulator mounted on the same origin) on a
// free port, for the scripts that drive the demo in Chromium (screenshots, bench:reload), so they
// never clash with a running `npm start`.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = join(fileURLToPath(new URL('..', import.meta.url)));

/** @returns {Promise<{ server: import('vite').ViteDevServer, url: string }>} */
export async function startDemoServer() {
  const server = await createServer({
    root: join(root, 'demo'),
    configFile: join(root, 'vite.config.ts'),
    server: { port: 0, strictPort: false, hmr: false },
    logLevel: 'warn',
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) {
    await server.close();
    throw new Error('vite did not report a local URL');
  }
  return { server, url };
}
