// npm run build:
//  1. dist/mfa-otp-flow.js: self-contained, fully minified ES module for a plain <script type="module"> (lit and zod
//     inside; FingerprintJS in a sibling chunk loaded by relative path only when no device ID is stored);
//  2. dist/index.js + dist/define.js: the package entries for bundlers, dependencies left external;
//  3. dist/strings.js: the strings entry, importable without the element;
//  4. dist/types/*.d.ts, and a declaration beside the standalone file;
//  5. custom-elements.json from the class JSDoc, and from it (custom-elements-manifest.config.mjs) the
//     JSX and Vue typings (dist/jsx.d.ts, dist/vue.d.ts) and the editors' data (VS Code, JetBrains).
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'vite';
import { minifyLiterals } from './minify-plugins.js';

const quiet = { logLevel: 'warn', configFile: false, publicDir: false };
const EXTERNAL = [/^lit($|\/)/, /^@lit\//, /^zod($|\/)/, /^@fingerprintjs\//];

rmSync('dist', { recursive: true, force: true });

/** One vite library build into dist/; only what differs between the two builds is passed in. */
const library = ({ minify, lib, external, chunks, plugins = [], output = {} }) =>
  build({
    ...quiet,
    plugins,
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2022',
      minify,
      sourcemap: true,
      lib: { formats: ['es'], ...lib },
      rollupOptions: { external, output: { chunkFileNames: `${chunks}/[name]-[hash].js`, ...output } },
    },
  });

// vite keeps whitespace and pure annotations in ES library builds, for the bundler that comes next.
// Nothing bundles the standalone file again, so it is minified in full, comments and all:
// with its css`` and html`` literals (scripts/minify-plugins.js), the entry went from 51.3 to 40.9 KB,
// 15.7 to 14.2 KB gzip (2026-12-01).
await library({
  minify: true,
  output: { minify: true, comments: false },
  lib: { entry: 'src/define.ts', fileName: () => 'mfa-otp-flow.js' },
  external: [],
  chunks: 'chunks',
  plugins: [minifyLiterals()],
});
await library({
  minify: false,
  lib: {
    entry: { index: 'src/index.ts', define: 'src/define.ts', strings: 'src/strings/index.ts' },
    fileName: (_f, name) => `${name}.js`,
  },
  external: EXTERNAL,
  chunks: 'lib',
});

/** dist/NAME.cjs → the declarations its types re-export (null: a types-only entry, dist/NAME.d.ts). */
const CJS_WRAPPERS = {
  index: 'types/index.js',
  define: 'types/define.js',
  strings: 'types/strings/index.js',
  'mfa-otp-flow': 'types/define.js',
  jsx: null,
  vue: null,
};

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// The standalone file defines the element like dist/define.js, so it has the same declarations.
writeFileSync('dist/mfa-otp-flow.d.ts', "export * from './types/define.js';\n");
// mfa-otp-flow/jsx and mfa-otp-flow/vue are types only; an empty module lets every resolver
// (and `import 'mfa-otp-flow/jsx'` written without `type`) find a file.
for (const name of ['jsx', 'vue']) writeFileSync(`dist/${name}.js`, 'export {};\n');
// CommonJS callers: Node ≥ 20.19 and ≥ 22.12 `require()` an ES module (with no top-level await, as
// here) and hand back the same module instance an `import` gets, so a two-line wrapper serves
// `require('mfa-otp-flow')` without a second copy of the class.
for (const [name, types] of Object.entries(CJS_WRAPPERS)) {
  writeFileSync(`dist/${name}.cjs`, `'use strict';\nmodule.exports = require('./${name}.js');\n`);
  writeFileSync(`dist/${name}.d.cts`, types ? `export * from './${types}';\n` : `/// <reference path="./${name}.d.ts" />\nexport {};\n`);
}
// The analyzer needs dist/types (the manifest lists what the package entry exports).
execFileSync(bin('cem'), ['analyze'], { stdio: 'inherit' });
console.log('built dist/ and custom-elements.json');
