// npm run bench:compare -- DIR_A DIR_B [...]: connected → mfa-otp-sent on a returning visit, for two
// or more builds (each DIR a copy of a built dist/), measured in turns in one browser.
//
// Why paired: this machine's speed drifts by tens of percent within minutes (the same fetch floor
// measured 5.7 ms and 10.2 ms an hour apart), more than most changes are worth. Each round visits
// every build once, in alternating order, and a build's difference from the first is taken round by
// round, so drift hits both sides of each difference alike. A difference under ~1 ms is noise at 40
// rounds. A tool for deciding a change, not a budget: `npm run bench` remains the measure
// (docs/performance.md).
import { readFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROME_ARGS, findChrome } from '../scripts/chrome-path.js';
import { startBenchServer } from './serve.js';

const dirs = process.argv.slice(2).map((d) => resolvePath(d));
if (dirs.length < 2) {
  console.error('usage: npm run bench:compare -- DIR_A DIR_B [...]  (each a copy of a built dist/)');
  process.exit(2);
}
const ROUNDS = Number(process.env.BENCH_RUNS ?? 40);
const WARMUP = 3;
const root = new URL('..', import.meta.url).pathname;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

// Build n is served under /v{n}/, with its own copy of the bench page that loads it from there.
const page = readFileSync(join(root, 'bench/page.html'), 'utf8');
const server = await startBenchServer((path) => {
  const m = /^v(\d+)\/(.*)$/.exec(path);
  if (!m || !dirs[m[1]]) return path.startsWith('bench/') ? join(root, path) : undefined;
  if (m[2] === 'page.html') return { html: page.replace('/dist/mfa-otp-flow.js', `/v${m[1]}/mfa-otp-flow.js`) };
  return join(dirs[m[1]], m[2]);
});
const browser = await puppeteer.launch({ executablePath: findChrome(), args: CHROME_ARGS });
try {
  const tab = await browser.newPage();
  const cdp = await tab.createCDPSession();
  const visit = async (n, emptyCache) => {
    if (emptyCache) await cdp.send('Network.clearBrowserCache');
    await tab.goto(`${server.origin}/v${n}/page.html`);
    await tab.evaluate(() => window.ready);
  };
  const warm = dirs.map(() => []);
  const floor = dirs.map(() => []);
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const order = dirs.map((_, n) => n);
    if (round % 2) order.reverse();
    for (const n of order) {
      // As in `npm run bench`: a first visit, then the returning visit that is measured.
      await visit(n, true);
      await tab.evaluate(() => window.connectToSent(true));
      // Then, on the returning visit, the element and the floor in alternating order, as there.
      await visit(n, false);
      const floorFirst = round % 2 === 1;
      const f0 = floorFirst ? await tab.evaluate(() => window.floorTwoCalls()) : undefined;
      const { ms } = await tab.evaluate(() => window.connectToSent(false));
      const f = floorFirst ? f0 : await tab.evaluate(() => window.floorTwoCalls());
      if (round < WARMUP) continue;
      warm[n].push(ms);
      floor[n].push(f);
    }
  }
  console.log(`${ROUNDS} rounds; warm = connected → mfa-otp-sent on a returning visit (ms)\n`);
  console.log('| build | warm | floor | warm − floor | vs first: median / mean |\n|---|---|---|---|---|');
  dirs.forEach((dir, n) => {
    const over = warm[n].map((w, i) => w - floor[n][i]);
    const diff = warm[n].map((w, i) => w - warm[0][i]);
    const cells = [median(warm[n]), median(floor[n]), median(over)].map((x) => x.toFixed(1));
    console.log(`| ${dir} | ${cells.join(' | ')} | ${median(diff).toFixed(1)} / ${mean(diff).toFixed(1)} |`);
  });
} finally {
  await browser.close();
  server.close();
}
