// npm run bench: sizes of what a page downloads, and timings in headless Chromium against the
// emulator on loopback, each next to its floor measured on the same page. Prints one table, writes it
// to bench/results/latest.md, and exits non-zero when a budget is broken. Budgets: issue #12; method:
// docs/performance.md. Bounded: about a minute on 2 cores.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { CHROME_ARGS, findChrome } from '../scripts/chrome-path.js';
import { startBenchServer } from './serve.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 40); // the warm budget needs at least 30 pairs
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

// ---- sizes: every file the entry can load, gzip level 9 ----
const KB = 1024;
const ENTRY = 'dist/mfa-otp-flow.js';
const chunks = readdirSync(join(root, 'dist/chunks')).filter((f) => f.endsWith('.js')).map((f) => `dist/chunks/${f}`);
let total = 0;
for (const file of [ENTRY, ...chunks]) {
  const code = readFileSync(join(root, file));
  const gz = gzipSync(code, { level: 9 }).length;
  total += gz;
  const entry = file === ENTRY;
  row(`${file} (min / gzip KB)`, `${kb(code.length)} / ${kb(gz)}`, entry ? '≤ 24 gzip' : '', entry ? gz <= 24 * KB : undefined);
}
row('everything it can load (gzip KB)', kb(total), '≤ 28', total <= 28 * KB);
// One lazy chunk only, the fingerprint, and the entry reaches it only through import(): no static
// import, so nothing is fetched before the element is defined.
const entrySource = readFileSync(join(root, ENTRY), 'utf8');
const dynamic = [...entrySource.matchAll(/\bimport\(\s*[`'"]([^`'"]+)[`'"]\s*\)/g)].map((m) => m[1]);
const staticImports = /\b(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)["'`]|\bimport\s*["'`]/.test(entrySource);
const onlyFingerprint =
  chunks.length === 1 && /^dist\/chunks\/fingerprint-[\w-]+\.js$/.test(chunks[0]) &&
  dynamic.length === 1 && `dist/${dynamic[0].replace(/^\.\//, '')}` === chunks[0] && !staticImports;
row('lazy chunks: count / what / how the entry loads them', `${chunks.length} / ${chunks.map((c) => c.replace(/^dist\/chunks\/|-[\w-]+\.js$/g, '')).join(', ') || 'none'} / ${staticImports ? 'static import' : 'import()'}`, '1 / fingerprint / import()', onlyFingerprint);

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
  /**
   * One pair on the page just loaded: the element connected → mfa-otp-sent, and the floor (the same
   * two calls with plain fetch), in the order given. Turns alternate the order, so neither side is
   * always the first thing the page does; the difference is taken within the pair, so the machine's
   * drift (tens of percent within minutes) hits both sides of it alike.
   */
  const pair = async (cold, floorFirst) => {
    const f1 = floorFirst ? await run('floorTwoCalls') : undefined;
    const el = await run('connectToSent', cold);
    const floor = floorFirst ? f1 : await run('floorTwoCalls');
    return { ms: el.ms, floor, diff: el.ms - floor, fingerprinted: el.fingerprinted };
  };
  // First visit (cold): empty HTTP cache and no stored device ID, so the chunk is fetched and
  // FingerprintJS runs. Returning visit (warm): the device ID is stored and the entry revalidated
  // (304). Also, for the record, a returning visitor whose HTTP cache was emptied.
  const cold = [];
  const warm = [];
  const warmUncached = [];
  // Warm-up, not recorded: a new browser, server and JIT are slower on their first visits.
  for (let i = 0; i < WARMUP; i++) {
    await visit({ emptyCache: true });
    await pair(true, i % 2 === 1);
    await visit({ emptyCache: false });
    await pair(false, i % 2 === 1);
  }
  for (let i = 0; i < RUNS; i++) {
    const floorFirst = i % 2 === 1;
    await visit({ emptyCache: true });
    cold.push(await pair(true, floorFirst));
    await visit({ emptyCache: false });
    warm.push(await pair(false, floorFirst));
    await visit({ emptyCache: true });
    warmUncached.push((await run('connectToSent', false)).ms);
  }
  const m = (xs, key) => median(xs.map((x) => x[key]));
  const ms = (x) => x.toFixed(1);
  row(`floor: two plain fetch calls, on the same pages (ms)`, ms(m(warm, 'floor')), '', undefined);
  row('connected → mfa-otp-sent, warm: returning visit (ms)', ms(m(warm, 'ms')), '', undefined);
  row(`  warm − floor, median of ${RUNS} paired differences (ms)`, ms(m(warm, 'diff')), '≤ 8', RUNS >= 30 && m(warm, 'diff') <= 8);
  row('connected → mfa-otp-sent, cold: first visit (ms)', ms(m(cold, 'ms')), '', undefined);
  row(`  cold − floor, median of ${RUNS} paired differences (ms)`, ms(m(cold, 'diff')), '≤ 80', m(cold, 'diff') <= 80);
  row('  warm, returning visit with an emptied HTTP cache (ms)', ms(median(warmUncached)), '', undefined);
  const warmFp = warm.filter((x) => x.fingerprinted).length;
  const coldFp = cold.filter((x) => x.fingerprinted).length;
  row('fingerprint chunk fetched: warm runs / cold runs', `${warmFp} / ${coldFp} of ${RUNS}`, `0 / ${RUNS}`, warmFp === 0 && coldFp === RUNS);

  // First visit, the token arriving 150 ms after connect: fingerprinting ran meanwhile.
  const later = [];
  for (let i = 0; i < Math.min(RUNS, 20); i++) {
    await visit({ emptyCache: true });
    later.push(await run('tokenLaterToSent', 150));
  }
  row('cold, token set 150 ms after connect: token → mfa-otp-sent (ms)', ms(median(later)), '', undefined);

  // Importing the entry only defines the element: no chunk, storage or network work until one connects.
  const imports = await series('importEntry');
  const sideRequests = imports.reduce((n, r) => n + r.otherRequests, 0);
  const storageTouched = imports.reduce((n, r) => n + r.storage, 0);
  row('import of the entry under a new URL: fetch + evaluate (ms)', ms(median(imports.map((r) => r.ms))), '', undefined);
  row('  requests / storage accesses caused by importing it', `${sideRequests} / ${storageTouched}`, '0 / 0', sideRequests === 0 && storageTouched === 0);

  const renders = await series('firstRender');
  const framed = renders.filter((r) => r.inFirstFrame).length;
  row('connected → content rendered (ms)', ms(median(renders.map((r) => r.ms))), '', undefined);
  row('  rendered before the next frame', `${framed} of ${RUNS}`, `${RUNS} of ${RUNS}`, framed === RUNS);
  const verify = [];
  for (let i = 0; i < RUNS; i++) verify.push(await run('verifyVsFloor', i % 2 === 1));
  row('floor: one plain validate call (ms)', ms(m(verify, 'floor')), '', undefined);
  row('last digit typed → mfa-verified (ms)', ms(m(verify, 'element')), '', undefined);
  row(`  verified − floor, median of ${RUNS} paired differences (ms)`, ms(m(verify, 'diff')), '≤ 8', m(verify, 'diff') <= 8);
  const writes = await run('countdownWrites');
  // Two texts change each second: the button's "Resend in 0:28" and the seconds in its description
  // (the countdown part). Nothing else may: no node added, removed or re-attributed.
  row('DOM writes in 3 s of countdown: text / other', `${writes.text} / ${writes.other}`, '≤ 8 / 0', writes.text <= 8 && writes.other === 0);
  for (let i = 0; i < 10; i++) await run('completeFlow'); // settle caches before the baseline
  const before = await run('heapAfterGc');
  for (let i = 0; i < 50; i++) await run('completeFlow');
  const after = await run('heapAfterGc');
  const growth = (after - before) / 1024;
  row('JS heap growth after 50 complete flows (KB)', growth.toFixed(0), '≤ 256 (flat: noise)', growth <= 256);
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
