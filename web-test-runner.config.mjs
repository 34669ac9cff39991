// @web/test-runner: every browser test runs in real headless Chromium (Debian's, found by
// scripts/chrome-path.js) against the Capillary emulator mounted as middleware on the same origin.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { findChrome, CHROME_ARGS } from './scripts/chrome-path.js';
import { createEmulator } from './sandbox/emulator.js';
import { koaMiddleware } from './sandbox/middleware.js';
import { chunkFaults } from './test/support/chunk-faults.js';

const emulator = createEmulator({ log: false });

// test/csp/ pages are served under the element contract's strict policy (test/browser/csp.test.ts).
const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; require-trusted-types-for 'script'";
async function strictCsp(ctx, next) {
  await next();
  if (ctx.path.startsWith('/test/csp/')) ctx.set('Content-Security-Policy', STRICT_CSP);
}

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsFinishTimeout: 3 * 60_000,
  // chunkFaults: held back or refused lazy chunks of the built bundle (test/browser/plain-page.test.ts).
  middleware: [strictCsp, chunkFaults(), koaMiddleware(emulator)],
  plugins: [
    esbuildPlugin({ ts: true, json: true, tsconfig: './tsconfig.json', target: 'es2022' }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: findChrome(), headless: true, args: CHROME_ARGS },
    }),
  ],
  testFramework: { config: { timeout: 10_000 } },
};
