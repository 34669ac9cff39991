// node bench/trace.js: where a returning visit's connected → mfa-otp-sent goes, from a Chromium
// trace. Loads the bench page as `npm run bench` does (a first visit, then returning visits), traces
// each returning visit's connect and its floor (bench/page.js marks both windows with
// performance.measure), and sums the renderer main thread's top-level work inside each window by
// event name. What is not work is waiting (the network, the server, timers). A tool for looking,
// not a budget; uses the dist/ already built. TRACE_RUNS (default 12) visits.
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROME_ARGS, findChrome } from '../scripts/chrome-path.js';
import { startBenchServer } from './serve.js';

const RUNS = Number(process.env.TRACE_RUNS ?? 12);
const root = new URL('..', import.meta.url).pathname;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const server = await startBenchServer((path) => (/^(dist|bench)\//.test(path) ? join(root, path) : undefined));
const browser = await puppeteer.launch({ executablePath: findChrome(), args: CHROME_ARGS });
const CATEGORIES = ['devtools.timeline', 'blink.user_timing', 'v8', 'v8.execute', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.compile', 'loading', 'blink', 'cc'];

const SPOTLIGHT = ['CSSParserImpl::parseStyleSheet', 'HTMLDocumentParser::append', 'v8.callAsConstructor', 'UpdateLayoutTree', 'Layout', 'Paint', 'v8.compile', 'v8.produceCache', 'v8.produceModuleCache', 'V8.GC_SCAVENGER'];

/** Top-level complete events on the renderer main thread, and the User Timing windows. */
function analyse(events) {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const windows = {};
  const begins = {};
  for (const e of events) {
    if (!e.name?.startsWith('bench:')) continue;
    if (e.ph === 'b') begins[e.name] = e.ts;
    if (e.ph === 'e' && begins[e.name] !== undefined) windows[e.name] = [begins[e.name], e.ts];
  }
  const work = events
    .filter((e) => e.ph === 'X' && e.pid === main?.pid && e.tid === main?.tid && e.dur > 0)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // Keep the outermost events only, so nothing is counted twice.
  const top = [];
  let end = -Infinity;
  for (const e of work) {
    if (e.ts >= end) {
      top.push(e);
      end = e.ts + e.dur;
    }
  }
  const onMain = (e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && e.dur > 0;
  const result = {};
  for (const [name, [from, to]] of Object.entries(windows)) {
    const byName = {};
    let busy = 0;
    const add = (label, ms) => (byName[label] = (byName[label] ?? 0) + ms);
    for (const task of top) {
      const overlap = Math.min(to, task.ts + task.dur) - Math.max(from, task.ts);
      if (overlap <= 0) continue;
      busy += overlap / 1000;
      // The task's direct children by name (their time inside the window), the rest as "(task itself)".
      const inside = events.filter((e) => onMain(e) && e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur).sort((x, y) => x.ts - y.ts || y.dur - x.dur);
      let childEnd = -Infinity;
      let children = 0;
      for (const e of inside) {
        if (e.ts < childEnd) continue;
        childEnd = e.ts + e.dur;
        const ms = Math.max(0, Math.min(to, e.ts + e.dur) - Math.max(from, e.ts)) / 1000;
        children += ms;
        add(label(events, e, onMain), ms);
      }
      add(`${task.name} (itself)`, overlap / 1000 - children);
    }
    // A few kinds of work at any depth, for the record (they overlap the rows above).
    for (const kind of SPOTLIGHT) {
      const ms = events.filter((e) => onMain(e) && e.name === kind && e.ts >= from && e.ts + e.dur <= to).reduce((a, e) => a + e.dur, 0) / 1000;
      if (ms) add(`  of which, anywhere: ${kind}`, ms);
    }
    result[name] = { total: (to - from) / 1000, busy, byName };
  }
  return result;
}

/** An event's name, with the largest event directly inside it when it is a generic wrapper. */
function label(events, e, onMain) {
  if (!['FunctionCall', 'v8.callFunction', 'RunMicrotasks', 'EventDispatch', 'TimerFire', 'v8.run'].includes(e.name)) return e.name;
  const inner = events.filter((x) => onMain(x) && x !== e && x.ts >= e.ts && x.ts + x.dur <= e.ts + e.dur && x.dur >= 50);
  const names = [...new Set(inner.map((x) => x.name))].filter((n) => !['FunctionCall', 'v8.callFunction', 'RunMicrotasks'].includes(n)).slice(0, 4);
  return names.length ? `${e.name} > ${names.join(', ')}` : e.name;
}

try {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  const url = `${server.origin}/bench/page.html`;
  const visit = async (emptyCache) => {
    if (emptyCache) await cdp.send('Network.clearBrowserCache');
    await page.goto(url);
    await page.evaluate(() => window.ready);
  };
  for (let i = 0; i < 3; i++) {
    await visit(true);
    await page.evaluate(() => window.connectToSent(true));
    await visit(false);
    await page.evaluate(() => window.connectToSent(false));
  }
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    await visit(false);
    await page.tracing.start({ categories: CATEGORIES });
    const floorFirst = i % 2 === 1;
    if (floorFirst) await page.evaluate(() => window.floorTwoCalls());
    await page.evaluate(() => window.connectToSent(false));
    if (!floorFirst) await page.evaluate(() => window.floorTwoCalls());
    const buffer = await page.tracing.stop();
    runs.push(analyse(JSON.parse(Buffer.from(buffer).toString('utf8')).traceEvents));
  }
  for (const name of ['bench:connect→sent', 'bench:floor']) {
    const ok = runs.filter((r) => r[name]);
    console.log(`\n${name}: ${ok.length} traced runs, medians: window ${median(ok.map((r) => r[name].total)).toFixed(1)} ms, main thread busy ${median(ok.map((r) => r[name].busy)).toFixed(1)} ms`);
    const names = [...new Set(ok.flatMap((r) => Object.keys(r[name].byName)))];
    const rows = names
      .map((n) => ({ n, med: median(ok.map((r) => r[name].byName[n] ?? 0)), mean: ok.reduce((a, r) => a + (r[name].byName[n] ?? 0), 0) / ok.length }))
      .sort((a, b) => b.mean - a.mean)
      .filter((r) => r.mean >= 0.05);
    for (const r of rows) console.log(`  ${r.mean.toFixed(2).padStart(6)} ms mean  ${r.med.toFixed(2).padStart(6)} median  ${r.n}`);
  }
} finally {
  await browser.close();
  server.close();
}
