// What the published package contains and how its entries load. Assumes `npm run build` ran
// (`npm test` runs it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const at = (p) => join(root, p);

function packedFiles() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [entry] = JSON.parse(out);
  return entry.files.map((f) => f.path.replace(/\\/g, '/'));
}

test('npm pack ships what users need and nothing from the repo tooling', () => {
  const files = packedFiles();
  for (const needed of [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/mfa-otp-flow.js',
    'dist/mfa-otp-flow.d.ts',
    'dist/strings.js',
    'dist/jsx.d.ts',
    'dist/vue.d.ts',
    'dist/web-types.json',
    'dist/vscode.html-custom-data.json',
    'dist/vscode.css-custom-data.json',
    'dist/index.js',
    'dist/define.js',
    'dist/types/index.d.ts',
    'dist/types/define.d.ts',
    'custom-elements.json',
    'proxy/index.js',
    'proxy/index.d.ts',
    'proxy/handler.js',
    'proxy/limiter.js',
  ]) {
    assert.ok(files.includes(needed), `${needed} is missing from the package`);
  }
  const forbidden = /^(test|demo|sandbox|bench|scripts|src|screenshots|docs|node_modules)\//;
  const leaked = files.filter((f) => forbidden.test(f));
  assert.deepEqual(leaked, [], 'repo tooling leaked into the package');
  // Everything else is the built dist/ (JS, CommonJS wrappers, source maps, declarations, editor
  // data) plus the top-level files.
  const unexpected = files.filter(
    (f) =>
      !['package.json', 'README.md', 'custom-elements.json', 'LICENSE'].includes(f) &&
      !/^dist\/.+\.(js|cjs|js\.map|d\.ts|d\.cts)$/.test(f) &&
      !/^dist\/[\w.-]+\.json$/.test(f) &&
      !/^proxy\/[\w-]+\.(js|cjs|d\.ts|d\.cts)$/.test(f),
  );
  assert.deepEqual(unexpected, [], 'unexpected files in the package');
});

// Each import runs in a fresh Node process: lit's Node build installs a minimal DOM shim
// (globalThis.customElements among it), so an import in this process would change the next test.
function importInFreshNode(file, check) {
  const url = pathToFileURL(at(file)).href;
  const script = `
    const hadHTMLElement = typeof globalThis.HTMLElement !== 'undefined';
    const hadCustomElements = typeof globalThis.customElements !== 'undefined';
    const mod = await import(${JSON.stringify(url)});
    console.log(JSON.stringify({ hadHTMLElement, hadCustomElements, keys: Object.keys(mod).sort(), ${check} }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.trim().split('\n').pop());
}

test('the package entry dist/index.js imports in Node without a DOM and exports the class MfaOtpFlow', () => {
  const r = importInFreshNode(
    'dist/index.js',
    `isClass: typeof mod.MfaOtpFlow === 'function' && /^class\\b/.test(Function.prototype.toString.call(mod.MfaOtpFlow))`,
  );
  assert.equal(r.hadHTMLElement, false, 'this test needs a DOM-less Node');
  assert.ok(r.keys.includes('MfaOtpFlow'), `exports: ${r.keys.join(', ')}`);
  assert.equal(r.isClass, true);
});

test('dist/define.js imports in Node (no customElements at start) without throwing', () => {
  const r = importInFreshNode('dist/define.js', `tag: mod.TAG, ctor: typeof mod.MfaOtpFlow`);
  assert.equal(r.hadCustomElements, false, 'this test needs a Node without customElements');
  assert.equal(r.tag, 'mfa-otp-flow');
  assert.equal(r.ctor, 'function');
});

test('dist/mfa-otp-flow.js has only relative imports, so a plain script tag loads it without an import map', () => {
  const seen = new Set();
  const bare = [];
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    const specs = [
      // The minifier may quote a specifier with backticks.
      ...code.matchAll(/\b(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'`]([^"'`]+)["'`]/g),
      ...code.matchAll(/\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g),
    ].map((m) => m[1]);
    for (const spec of specs) {
      if (!spec.startsWith('./') && !spec.startsWith('../')) {
        bare.push(`${file.slice(root.length + 1)}: ${spec}`);
        continue;
      }
      const target = resolve(dirname(file), spec);
      assert.ok(existsSync(target), `${spec} (from ${file}) does not exist`);
      visit(target);
    }
  };
  visit(at('dist/mfa-otp-flow.js'));
  assert.deepEqual(bare, [], 'bare import specifiers in the standalone bundle');
  assert.ok(seen.size > 1, 'expected the bundle to reach its chunks');
  for (const f of seen) {
    if (f === at('dist/mfa-otp-flow.js')) continue;
    assert.ok(f.startsWith(at('dist/chunks') + '/'), `${f} is outside dist/chunks`);
  }
});

test('the standalone bundle fingerprints from one small chunk, without the source that writes iframe.srcdoc', () => {
  // src/device/fingerprint.ts imports FingerprintJS piece by piece; importing its `sources` object
  // instead would bring back every source (39.5 KB min / 15.2 KB gzip), fontPreferences included.
  const chunks = readdirSync(at('dist/chunks')).filter((f) => f.endsWith('.js'));
  const fingerprint = chunks.filter((f) => f.startsWith('fingerprint-'));
  assert.equal(fingerprint.length, 1, `expected one fingerprint chunk, found ${chunks.join(', ')}`);
  const gzip = gzipSync(readFileSync(at(`dist/chunks/${fingerprint[0]}`)), { level: 9 }).length;
  assert.ok(gzip <= 5 * 1024, `${fingerprint[0]} is ${gzip} bytes gzip, over 5 KB`);
  for (const file of ['dist/mfa-otp-flow.js', ...chunks.map((f) => `dist/chunks/${f}`)]) {
    assert.ok(!readFileSync(at(file), 'utf8').includes('srcdoc'), `${file} mentions srcdoc`);
  }
});

test('the standalone bundle defines the element from one file: no static import, chunks only by import()', () => {
  // A module shared by the entry and a lazy chunk lands in a chunk of its own, which the page must
  // then fetch before the element is defined (one more round trip); a chunk importing the entry
  // would load it twice under another URL (a query string on the script tag).
  const staticImport = /\b(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)["'`]([^"'`]+)["'`]/g;
  const entry = readFileSync(at('dist/mfa-otp-flow.js'), 'utf8');
  assert.deepEqual([...entry.matchAll(staticImport)].map((m) => m[1]), [], 'static imports in the entry');
  const dynamic = [...entry.matchAll(/\bimport\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]).sort();
  assert.deepEqual(dynamic.map((spec) => spec.replace(/-[\w-]{8}\.js$/, '')), ['./chunks/fingerprint']);
  for (const spec of dynamic) {
    const chunk = readFileSync(at(`dist/${spec.slice(2)}`), 'utf8');
    assert.deepEqual([...chunk.matchAll(staticImport)].map((m) => m[1]), [], `static imports in ${spec}`);
  }
});

test('package.json exports, types and customElements point at files that exist', () => {
  const paths = [pkg.main, pkg.module, pkg.types, pkg.customElements];
  const walk = (v) => {
    if (typeof v === 'string') paths.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(pkg.exports);
  assert.ok(paths.length >= 8);
  for (const p of paths) {
    assert.equal(typeof p, 'string');
    assert.ok(existsSync(at(p)), `${p} (named in package.json) does not exist`);
  }
  const files = packedFiles();
  for (const p of paths) {
    const norm = p.replace(/^\.\//, '');
    assert.ok(files.includes(norm), `${p} (named in package.json) is not in the package`);
  }
});

test('custom-elements.json declares the tag, its attributes, events and parts', () => {
  const manifest = JSON.parse(readFileSync(at(pkg.customElements), 'utf8'));
  const decls = manifest.modules.flatMap((m) => m.declarations ?? []);
  const el = decls.find((d) => d.tagName === 'mfa-otp-flow');
  assert.ok(el, 'no declaration with tagName mfa-otp-flow');
  assert.equal(el.name, 'MfaOtpFlow');
  const names = (list) => (list ?? []).map((x) => x.name);
  const attrs = names(el.attributes);
  for (const a of [
    'base-url',
    'brand',
    'identifier-type',
    'identifier-value',
    'device-id',
    'otp-length',
    'resend-after',
    'mode',
    'manual',
  ]) {
    assert.ok(attrs.includes(a), `attribute ${a} missing`);
  }
  const events = names(el.events);
  for (const e of ['mfa-state-change', 'mfa-otp-sent', 'mfa-verified', 'mfa-error']) {
    assert.ok(events.includes(e), `event ${e} missing`);
  }
  const parts = names(el.cssParts);
  for (const p of ['input', 'submit', 'resend', 'countdown', 'error', 'status']) {
    assert.ok(parts.includes(p), `part ${p} missing`);
  }
});

test('package.json carries what a registry page and a consumer read', () => {
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(at('LICENSE'), 'utf8'), /^MIT License/);
  for (const field of ['repository', 'homepage', 'bugs', 'keywords']) assert.ok(pkg[field], `${field} missing`);
  for (const word of ['web-components', 'lit', 'otp', 'mfa', 'capillary']) assert.ok(pkg.keywords.includes(word), `keyword ${word}`);
  assert.equal(pkg.scripts.prepack, 'npm run build', 'npm pack on a fresh clone must build first');
  // The element runs in browsers and in any Node that runs ES2022; the repository's own tooling
  // floor is a devEngines matter, not the consumers'.
  assert.equal(pkg.engines, undefined);
  assert.equal(pkg.devEngines?.runtime?.name, 'node');
  assert.equal(pkg.unpkg, './dist/mfa-otp-flow.js');
  assert.equal(pkg.jsdelivr, './dist/mfa-otp-flow.js');
});

test('every code subpath has types first and default last, for import and for require', () => {
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') {
      assert.match(target, /\.json$/, `${subpath}: only JSON files are exported bare`);
      continue;
    }
    for (const conditions of [target, target.require]) {
      assert.ok(conditions, `${subpath}: no require condition`);
      const keys = Object.keys(conditions).filter((k) => k !== 'require');
      assert.equal(keys[0], 'types', `${subpath}: types is not first`);
      assert.equal(keys.at(-1), 'default', `${subpath}: default is not last`);
    }
  }
});

test('sideEffects names exactly the shipped files that register the tag', () => {
  const files = packedFiles();
  for (const f of pkg.sideEffects) assert.ok(files.includes(f.replace(/^\.\//, '')), `${f} is not in the package`);
  const defines = files.filter((f) => /^dist\/[^/]+\.js$/.test(f) && /customElements\.define\(/.test(readFileSync(at(f), 'utf8')));
  // …and the require() wrappers of those files.
  const wrappers = defines.map((f) => f.replace(/\.js$/, '.cjs')).filter((f) => files.includes(f));
  const registering = [...defines, ...wrappers];
  assert.deepEqual(registering.sort(), pkg.sideEffects.map((f) => f.replace(/^\.\//, '')).sort());
});

test('no @internal member ships in the declarations', () => {
  const files = packedFiles().filter((f) => f.endsWith('.d.ts'));
  for (const f of files) assert.ok(!readFileSync(at(f), 'utf8').includes('@internal'), `${f} mentions @internal`);
});

test('dist/strings.js reaches neither lit nor the element', () => {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/\b(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'`]([^"'`]+)["'`]/g)) {
      assert.ok(spec.startsWith('.'), `${file} imports ${spec}`);
      visit(resolve(dirname(file), spec));
    }
  };
  visit(at('dist/strings.js'));
  for (const f of seen) assert.ok(!/mfa-otp-flow-/.test(f), `${f}: the strings entry loads the element`);
});

test('mfa-otp-flow/server: its exports, and every module they import, ship; it imports without side effects and exports the API', () => {
  const files = packedFiles();
  const server = pkg.exports['./server'];
  for (const target of [server.types, server.default, server.require.types, server.require.default]) {
    assert.ok(files.includes(target.replace(/^\.\//, '')), `${target} is not in the package`);
  }
  // Every relative import reachable from the entry is a shipped file (a module left out of `files`
  // would load here from the repository and fail only for users).
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    assert.ok(files.includes(file), `${file} is imported by the server entry but not shipped`);
    for (const [, spec] of readFileSync(at(file), 'utf8').matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm)) {
      if (spec.startsWith('.')) visit(join(dirname(file), spec).replace(/\\/g, '/'));
    }
  };
  visit(server.default.replace(/^\.\//, ''));
  assert.ok(seen.has('proxy/limiter.js') && seen.has('proxy/handler.js'), [...seen].join(', '));

  // Resolved by name (the package's self-reference, through exports), in a fresh Node: no server
  // starts, nothing is printed, and the API is there. A listening import would hang: the timeout fails it.
  const script = `
    const mod = await import('mfa-otp-flow/server');
    console.log(JSON.stringify({ keys: Object.keys(mod).sort(), types: Object.fromEntries(Object.entries(mod).map(([k, v]) => [k, typeof v])) }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = out.trim().split('\n');
  assert.equal(lines.length, 1, `the import printed: ${out}`);
  const { keys, types } = JSON.parse(lines[0]);
  for (const name of ['createFetchHandler', 'createNodeHandler', 'createProxy', 'startProxy', 'optionsFromEnv', 'resolveOptions', 'ConfigError']) {
    assert.equal(types[name], 'function', `${name}: ${types[name]} (exports: ${keys.join(', ')})`);
  }
  // Its declarations name the same functions (the .d.ts is hand-written).
  const declared = readFileSync(at(server.types), 'utf8');
  for (const name of keys) assert.match(declared, new RegExp(`export declare (?:function|const|class) ${name}\\b`), `${name} is not declared in ${server.types}`);
});
