// The packed package, installed into the small consumer projects of test/consumers/, as their authors
// would use it: strict TypeScript, React 19 TSX (and a TSX that must fail), Vue with strictTemplates,
// server rendering with @lit-labs/ssr, require() from CommonJS, the strings entry alone; then attw and
// publint on the same tarball. Assumes `npm run build` ran (`npm test` runs it first).
//
// The tarball is packed once (`npm pack --ignore-scripts`: the build is already there) and unpacked
// into each fixture's node_modules/mfa-otp-flow, exactly the files a registry install would bring.
// The fixtures' other dependencies (react types, vue, vue-tsc, @lit-labs/ssr, lit, typescript) are
// the root devDependencies, found by Node's and TypeScript's lookup up the directory tree: locked by
// package-lock.json and installed once by `npm ci`, so this runs offline and adds no install time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = join(root, 'test/consumers');
const bin = (name) => join(root, 'node_modules/.bin', name);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let packDir = '';
let tarball = '';

before(() => {
  packDir = mkdtempSync(join(tmpdir(), 'mfa-otp-flow-pack-'));
  const out = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  tarball = join(packDir, JSON.parse(out)[0].filename);
  for (const name of readdirSync(fixtures)) {
    if (!existsSync(join(fixtures, name, 'package.json'))) continue;
    const target = join(fixtures, name, 'node_modules/mfa-otp-flow');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  }
});

after(() => rmSync(packDir, { recursive: true, force: true }));

/** Runs a command in a fixture; resolves with its exit code and output (never rejects). */
function run(cwd, command, args) {
  return new Promise((done) => {
    execFile(command, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr, output: stdout + stderr });
    });
  });
}
const at = (name) => join(fixtures, name);

describe('consumers of the packed package', { concurrency: 2 }, () => {
  test('vanilla TypeScript (strict, NodeNext and Bundler): the tag, its properties and event details are typed', async () => {
    for (const project of ['tsconfig.json', 'tsconfig.bundler.json']) {
      const r = await run(at('vanilla-ts'), bin('tsc'), ['-p', project]);
      assert.equal(r.code, 0, `tsc -p ${project}:\n${r.output}`);
    }
  });

  test('React 19 TSX with mfa-otp-flow/jsx: attributes, ref, style variables and onmfa-* handlers type-check', async () => {
    const r = await run(at('react'), bin('tsc'), ['-p', '.']);
    assert.equal(r.code, 0, r.output);
  });

  test('React 19 TSX: brand={42} does not type-check (negative fixture)', async () => {
    const r = await run(at('react-negative'), bin('tsc'), ['-p', '.']);
    assert.notEqual(r.code, 0, 'brand={42} was accepted');
    const errors = r.output.split('\n').filter((l) => /error TS\d+/.test(l));
    assert.equal(errors.length, 1, r.output);
    assert.match(errors[0], /src\/Wrong\.tsx\(5,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });

  test('Vue 3: vue-tsc with strictTemplates accepts the element and rejects wrong props (@vue-expect-error)', async () => {
    const r = await run(at('vue'), bin('vue-tsc'), ['-p', '.']);
    assert.equal(r.code, 0, r.output);
  });

  test('@lit-labs/ssr renders the element to declarative shadow DOM', async () => {
    const r = await run(at('node'), process.execPath, ['src/ssr.js']);
    assert.equal(r.code, 0, r.output);
    assert.match(r.stdout, /<mfa-otp-flow\s[^>]*brand="Bukl"[^>]*><template shadowroot="open" shadowrootmode="open">/);
    assert.match(r.stdout, /<style>[\s\S]*--mfa-otp-accent[\s\S]*<\/style>/);
    assert.match(r.stdout, /<\/template><\/mfa-otp-flow>/);
  });

  test('require() of every entry gives the objects import() gives (one class)', async () => {
    const r = await run(at('node'), process.execPath, ['src/require.cjs']);
    assert.equal(r.code, 0, r.output);
    assert.match(r.stdout, /require ok/);
  });

  test('CommonJS TypeScript (NodeNext): require() of the entries is typed', async () => {
    const r = await run(at('node'), bin('tsc'), ['-p', '.']);
    assert.equal(r.code, 0, r.output);
  });

  test('CommonJS TypeScript (NodeNext, Node types): mfa-otp-flow/server is typed, a wrong option is not accepted', async () => {
    const r = await run(at('node'), bin('tsc'), ['-p', 'tsconfig.server.json']);
    assert.equal(r.code, 0, r.output);
  });

  test('mfa-otp-flow/server imports in Node and its Fetch handler answers a Request', async () => {
    const r = await run(at('node'), process.execPath, ['src/server.js']);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(JSON.parse(r.stdout), {
      status: 404,
      type: 'application/json',
      code: 404,
      routes: ['token/generate', 'otp/generate', 'otp/validate'],
    });
  });

  test('mfa-otp-flow/strings loads without the element (no lit, no DOM shim)', async () => {
    const r = await run(at('node'), process.execPath, ['src/strings.js']);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(JSON.parse(r.stdout), {
      submit: 'Verify',
      defineStrings: 'function',
      customElements: 'undefined',
      HTMLElement: 'undefined',
    });
  });

  for (const profile of ['esm-only', 'node16', 'strict']) {
    test(`attw --profile ${profile} finds no problem in the tarball`, async (t) => {
      const r = await run(root, bin('attw'), [tarball, '--profile', profile, '--format', 'ascii', '--no-color']);
      t.diagnostic(`attw --profile ${profile}: ${(r.stdout.split('\n').find((l) => /problems? found/i.test(l)) ?? '').trim()}`);
      assert.equal(r.code, 0, r.output);
    });
  }

  test('publint --strict: no error, no warning in the tarball', async (t) => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const data = readFileSync(tarball);
    const tar = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const { messages, pkg } = await publint({ pack: { tarball: tar }, strict: true, level: 'suggestion' });
    const lines = messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
    for (const line of lines) t.diagnostic(line);
    assert.deepEqual(lines.filter((l) => !l.startsWith('suggestion:')), []);
    // The one suggestion that stands is engines.node: the element runs in browsers and in any Node
    // that runs ES2022 (SSR), so the package names no Node floor for its consumers (see package.json
    // devEngines for the floor of this repository's tooling).
    assert.deepEqual(messages.filter((m) => m.type === 'suggestion').map((m) => m.code).filter((c) => c !== 'USE_ENGINES_NODE'), []);
  });
});
