// npm run bench: sizes of what a page downloads, and timings in headless Chromium against the
// emulator on loopback, each next to its floor measured in the same run. Prints one table, writes it
// to bench/results/latest.md, and exits non-zero when a budget is broken. Bounded: ~1 minute.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { CHROME_ARGS, findChrome } from '../scripts/chrome-path.js';
import { startBenchServer } from './serve.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 5;
const root = new URL('..', import.meta.url).pathname;
const kb = (bytes) => (bytes / 1024).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
let broken = 0;
const row = (what, value, budget, ok) => {
  rows.push({ what, value, budget, ok });
  if (ok === false) broken++;
};

// Measures the source as it is now: a fresh build unless told the one in dist/ is current.
if (!process.env.BENCH_NO_BUILD) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

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

// ---- a loopback server: the emulator, and dist/ and bench/ served as a production host serves them ----
const server = await startBenchServer((path) => (/^(dist|bench)\//.test(path) ? join(root, path) : undefined));
const url = `${server.origin}/bench/page.html`;

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
  const cdp = await page.createCDPSession();
  const run = (fn, ...args) => page.evaluate((name, a) => window[name](...a), fn, args);
  const series = async (fn, ...args) => {
    const xs = [];
    for (let i = 0; i < RUNS; i++) xs.push(await run(fn, ...args));
    return xs;
  };
  /** A new visit: the page loaded afresh, after the browser's HTTP cache was emptied or not. */
  const visit = async ({ emptyCache }) => {
    if (emptyCache) await cdp.send('Network.clearBrowserCache');
    await page.goto(url);
    await page.evaluate(() => window.ready);
  };
  // Each connect is measured on a freshly loaded page, as a visitor gets it; the floor is measured on
  // the same page right after. First visit (cold): empty HTTP cache and no stored device ID, so every
  // chunk is fetched and FingerprintJS runs. Returning visit (warm): the device ID is stored and the
  // chunks are in the HTTP cache from the first. Also, for the record, a returning visitor whose HTTP
  // cache was emptied (after a release, or by the browser).
  const cold = [];
  const warm = [];
  const warmUncached = [];
  const floors = [];
  let warmFingerprinted = 0;
  let coldFingerprinted = 0;
  // Warm-up, not recorded: a new browser, server and JIT are slower on their first visits.
  for (let i = 0; i < WARMUP; i++) {
    await visit({ emptyCache: true });
    await run('connectToSent', true);
    await visit({ emptyCache: false });
    await run('connectToSent', false);
    await run('floorTwoCalls');
  }
  for (let i = 0; i < RUNS; i++) {
    await visit({ emptyCache: true });
    const c = await run('connectToSent', true);
    cold.push(c.ms);
    if (c.fingerprinted) coldFingerprinted++;
    floors.push(await run('floorTwoCalls'));
    await visit({ emptyCache: false });
    const w = await run('connectToSent', false);
    warm.push(w.ms);
    if (w.fingerprinted) warmFingerprinted++;
    floors.push(await run('floorTwoCalls'));
    await visit({ emptyCache: true });
    warmUncached.push((await run('connectToSent', false)).ms);
  }
  const floor = median(floors);
  row('floor: two plain fetch calls on the same fresh pages (ms)', floor.toFixed(1), '', undefined);
  row('connected → mfa-otp-sent, warm: returning visit (ms)', median(warm).toFixed(1), `≤ floor + 10 = ${(floor + 10).toFixed(1)}`, median(warm) <= floor + 10);
  row('connected → mfa-otp-sent, cold: first visit (ms)', median(cold).toFixed(1), `≤ floor + 150 = ${(floor + 150).toFixed(1)}`, median(cold) <= floor + 150);
  row('  same, returning visit with an emptied HTTP cache (ms)', median(warmUncached).toFixed(1), '', undefined);
  row('fingerprint chunk fetched: warm runs / cold runs', `${warmFingerprinted} / ${coldFingerprinted} of ${RUNS}`, `0 / ${RUNS}`, warmFingerprinted === 0 && coldFingerprinted === RUNS);

  // First visit, the token arriving 150 ms after connect: fingerprinting ran meanwhile.
  const later = [];
  for (let i = 0; i < RUNS; i++) {
    await visit({ emptyCache: true });
    later.push(await run('tokenLaterToSent', 150));
  }
  const late = median(later);
  row('cold, token set 150 ms after connect: token → mfa-otp-sent (ms)', late.toFixed(1), `≤ floor + 10 = ${(floor + 10).toFixed(1)}`, late <= floor + 10);

  // Importing the entry only defines the element: no chunk, storage or network work until one connects.
  const imports = await series('importEntry');
  const sideRequests = imports.reduce((n, r) => n + r.otherRequests, 0);
  row('import of the entry under a new URL: fetch + evaluate (ms)', median(imports.map((r) => r.ms)).toFixed(1), '', undefined);
  row('  other requests made by importing it', String(sideRequests), '0', sideRequests === 0);

  const renders = await series('firstRender');
  const render = median(renders.map((r) => r.ms));
  const framed = renders.filter((r) => r.inFirstFrame).length;
  row('connected → content rendered (ms)', render.toFixed(1), '≤ one frame (16.7)', render <= 16.7);
  row('  rendered before the next frame', `${framed} of ${RUNS}`, `${RUNS} of ${RUNS}`, framed === RUNS);
  const verify = await series('verifyVsFloor');
  const v = median(verify.map((x) => x.element));
  const vf = median(verify.map((x) => x.floor));
  row('floor: one plain validate call (ms)', vf.toFixed(1), '', undefined);
  row('last digit typed → mfa-verified (ms)', v.toFixed(1), `≤ floor + 10 = ${(vf + 10).toFixed(1)}`, v <= vf + 10);
  const writes = await run('countdownWrites');
  row('DOM writes in 3 s of countdown: text / other', `${writes.text} / ${writes.other}`, '≤ 4 / 0', writes.text <= 4 && writes.other === 0);
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
