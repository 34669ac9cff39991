// npm run bench: sizes of what a page downloads, and timings in headless Chromium against the
// emulator on loopback, each next to its floor measured in the same run. Prints one table, writes it
// to bench/results/latest.md, and exits non-zero when a budget is broken. Bounded: ~1 minute.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { createEmulator } from '../sandbox/emulator.js';
import { CHROME_ARGS, findChrome } from '../scripts/chrome-path.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const root = new URL('..', import.meta.url).pathname;
const kb = (bytes) => (bytes / 1024).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
let broken = 0;
const row = (what, value, budget, ok) => {
  rows.push({ what, value, budget, ok });
  if (ok === false) broken++;
};

if (!existsSync(join(root, 'dist/mfa-otp-flow.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

// ---- sizes ----
const files = ['dist/mfa-otp-flow.js', ...readdirSync(join(root, 'dist/chunks')).filter((f) => f.endsWith('.js')).map((f) => `dist/chunks/${f}`)];
let total = 0;
for (const file of files) {
  const code = readFileSync(join(root, file));
  const gz = gzipSync(code, { level: 9 }).length;
  total += gz;
  const first = file === 'dist/mfa-otp-flow.js';
  row(`${file} (min / gzip KB)`, `${kb(code.length)} / ${kb(gz)}`, first ? '≤ 14 gzip' : '', first ? gz <= 14 * 1024 : undefined);
}
row('everything it can load (gzip KB)', kb(total), '≤ 30', total <= 30 * 1024);

// ---- a loopback server: dist/, bench/ and the emulator ----
const emulator = createEmulator({ log: false, defaults: { otpMaxCount: null } });
const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };
const server = createServer(async (req, res) => {
  if (await emulator.handle(req, res)) return;
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
  if (!/^(dist|bench)\//.test(path) || !existsSync(join(root, path))) return res.writeHead(404).end();
  res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(join(root, path)));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/bench/page.html`;

const browser = await puppeteer.launch({
  executablePath: findChrome(),
  args: [...CHROME_ARGS, '--js-flags=--expose-gc', '--enable-precise-memory-info'],
});
const deadline = setTimeout(() => {
  console.error('bench: gave up after 150 s');
  process.exit(2);
}, 150_000);
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.evaluate(() => window.ready);
  const run = (fn, ...args) => page.evaluate((name, a) => window[name](...a), fn, args);
  const series = async (fn, ...args) => {
    const xs = [];
    for (let i = 0; i < RUNS; i++) xs.push(await run(fn, ...args));
    return xs;
  };
  // Each connect is measured on a freshly loaded page, as a visitor gets it: the lazy chunks load
  // during the flow. Warm: a device ID is stored. Cold: none, so FingerprintJS loads and runs.
  const fresh = async (cold) => {
    await page.goto(url);
    await page.evaluate(() => window.ready);
    return run('connectToSent', cold);
  };
  await fresh(true); // the first visit ever also stores the device ID
  const floor = median(await series('floorTwoCalls'));
  const warmRuns = [];
  const coldRuns = [];
  for (let i = 0; i < RUNS; i++) {
    warmRuns.push(await fresh(false));
    coldRuns.push(await fresh(true));
  }
  const warm = median(warmRuns);
  const cold = median(coldRuns);
  row('floor: two plain fetch calls (ms, median)', floor.toFixed(1), '', undefined);
  row('connected → mfa-otp-sent, warm (ms)', warm.toFixed(1), `≤ floor + 10 = ${(floor + 10).toFixed(1)}`, warm <= floor + 10);
  row('connected → mfa-otp-sent, cold (ms)', cold.toFixed(1), `≤ floor + 150 = ${(floor + 150).toFixed(1)}`, cold <= floor + 150);
  const render = median(await series('firstRender'));
  row('connected → first paint of content (ms)', render.toFixed(1), '≤ one frame (16.7)', render <= 16.7);
  const verify = await series('verifyVsFloor');
  const v = median(verify.map((x) => x.element));
  const vf = median(verify.map((x) => x.floor));
  row('floor: one plain validate call (ms)', vf.toFixed(1), '', undefined);
  row('code submitted → mfa-verified (ms)', v.toFixed(1), `≤ floor + 10 = ${(vf + 10).toFixed(1)}`, v <= vf + 10);
  for (let i = 0; i < 10; i++) await run('completeFlow'); // settle caches before the baseline
  const before = await run('heapAfterGc');
  for (let i = 0; i < 50; i++) await run('completeFlow');
  const after = await run('heapAfterGc');
  const growth = (after - before) / 1024;
  row('JS heap growth after 50 complete flows (KB)', growth.toFixed(0), '≤ 256 (noise)', growth <= 256);
} finally {
  clearTimeout(deadline);
  await browser.close();
  server.close();
  emulator.close();
}

const stamp = `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${RUNS} runs each`;
const table = [
  `| measure | value | budget | |`,
  `|---|---|---|---|`,
  ...rows.map((r) => `| ${r.what} | ${r.value} | ${r.budget} | ${r.ok === undefined ? '' : r.ok ? 'ok' : 'OVER'} |`),
].join('\n');
console.log(`${stamp}\n\n${table}\n\n${broken ? `${broken} budget(s) broken` : 'all budgets hold'}`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/latest.md'), `${stamp}\n\n${table}\n`);
process.exit(broken ? 1 : 0);
