// npm run build:
//  1. dist/mfa-otp-flow.js: self-contained, fully minified ES module for a plain <script type="module"> (lit and zod
//     inside; FingerprintJS in a sibling chunk loaded by relative path only when no device ID is stored);
//  2. dist/index.js + dist/define.js: the package entries for bundlers, dependencies left external;
//  3. dist/types/*.d.ts; 4. custom-elements.json from the class JSDoc.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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
// 15.7 to 14.2 KB gzip (2026-12-01, before the after-answer chunk took more out of it).
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
  lib: { entry: { index: 'src/index.ts', define: 'src/define.ts' }, fileName: (_f, name) => `${name}.js` },
  external: EXTERNAL,
  chunks: 'lib',
});

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
execFileSync(bin('cem'), ['analyze', '--litelement', '--globs', 'src/element/mfa-otp-flow.ts', '--outdir', '.'], { stdio: 'inherit' });
dropPrivateAttributes('custom-elements.json');
console.log('built dist/ and custom-elements.json');

/** The analyzer lists lit's internal `state: true` properties as attributes; they are not public API. */
function dropPrivateAttributes(file) {
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  for (const declaration of manifest.modules.flatMap((m) => m.declarations ?? [])) {
    const hidden = new Set((declaration.members ?? []).filter((m) => m.privacy === 'private').map((m) => m.name));
    if (declaration.attributes) declaration.attributes = declaration.attributes.filter((a) => !hidden.has(a.fieldName));
  }
  writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
}
