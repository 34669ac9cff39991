// @web/test-runner: every browser test runs in real headless Chromium (Debian's, found by
// scripts/chrome-path.js) against the Capillary emulator mounted as middleware on the same origin.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { findChrome, CHROME_ARGS } from './scripts/chrome-path.js';
import { createEmulator } from './sandbox/emulator.js';
import { koaMiddleware } from './sandbox/middleware.js';
import { testCommandsPlugin } from './test/support/server-commands.js';

const emulator = createEmulator({ log: false });

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsFinishTimeout: 3 * 60_000,
  middleware: [koaMiddleware(emulator)],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }),
    testCommandsPlugin(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: findChrome(), headless: true, args: CHROME_ARGS },
    }),
  ],
  testFramework: { config: { timeout: 10_000 } },
};
