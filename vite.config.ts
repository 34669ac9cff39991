// Dev server for the demo (npm start): serves demo/ with the Capillary emulator mounted on the
// same origin, so the widget talks to it with an empty base-url. Library builds: scripts/build.js.
import { defineConfig } from 'vite';
import { emulatorVitePlugin } from './sandbox/middleware.js';

export default defineConfig({
  root: 'demo',
  plugins: [emulatorVitePlugin()],
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { outDir: '../dist-demo', emptyOutDir: true },
});
