// npm run bench:reload: what a reload on the code step costs the customer, measured in the demo
// (npm start's page, against the built-in emulator) the way a customer meets it.
//
// For each round: sign in (the first-factor stand-in), wait for the code step, then reload the page
// and count the MFA requests the reloaded page sends and the SMS the emulator sends, and time
// navigation start → a usable code field (the widget in code-sent, its field focused and writable).
// The same is timed for the first visit (sign-in → usable field) for comparison. Loopback only.
import puppeteer from 'puppeteer-core';
import { CHROME_ARGS, findChrome } from '../scripts/chrome-path.js';
import { startDemoServer } from '../scripts/demo-server.js';

const ROUNDS = Number(process.env.BENCH_RUNS ?? 10);
const WAIT_MS = 15_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { server, url } = await startDemoServer();
const browser = await puppeteer.launch({ executablePath: findChrome(), args: CHROME_ARGS });

/** In the page: ms from navigation start until the code field is usable. */
const usableField = () =>
  new Promise((resolve) => {
    const check = () => {
      const el = document.querySelector('mfa-otp-flow');
      const input = el?.shadowRoot?.querySelector('[part~="input"]');
      if (el?.getAttribute('state') === 'code-sent' && input && !input.readOnly && el.shadowRoot.activeElement === input) {
        return resolve(performance.now());
      }
      requestAnimationFrame(check);
    };
    check();
  });

const outboxSize = (page) =>
  page.evaluate(async () => {
    const ns = localStorage.getItem('mfa-otp-demo:namespace');
    const res = await fetch(`/sandbox/${ns}/__emulator/outbox`);
    return (await res.json()).messages.length;
  });

const rows = [];
try {
  const page = await browser.newPage();
  const requests = [];
  page.on('request', (req) => {
    const m = /\/auth\/v1\/mfa\/(.+)$/.exec(req.url());
    if (m) requests.push(m[1]);
  });
  for (let round = 0; round < ROUNDS + 1; round++) {
    await page.goto(url);
    await page.evaluate(() => {
      localStorage.removeItem('mfa-otp-demo:signed-in');
      localStorage.setItem('mfa-otp-demo:namespace', `bench-reload-${crypto.randomUUID().slice(0, 8)}`);
    });
    await page.goto(url);
    await page.waitForFunction(() => customElements.get('mfa-otp-flow'));
    const signedInAt = await page.evaluate(() => performance.now());
    await page.click('#first-factor button[type="submit"]');
    const firstUsable = (await page.evaluate(usableField)) - signedInAt;
    const smsBefore = await outboxSize(page);
    requests.length = 0;
    await page.reload();
    const reloadUsable = await page.evaluate(usableField);
    const resumed = await page.evaluate(() => document.querySelector('#log-list')?.textContent?.includes('mfa-resumed') ?? false);
    const sms = (await outboxSize(page)) - smsBefore;
    if (round > 0) rows.push({ firstUsable, reloadUsable, requests: [...requests], sms, resumed });
  }
} finally {
  await browser.close();
  await server.close();
}

const sent = rows.map((r) => r.requests.length);
console.log(`${rows.length} reloads on the code step of the demo (after one unrecorded warm-up)\n`);
console.log('| measure | median | all |');
console.log('|---|---|---|');
console.log(`| first visit: sign-in → usable code field (ms) | ${median(rows.map((r) => r.firstUsable)).toFixed(0)} | |`);
console.log(`| reload: navigation start → usable code field (ms) | ${median(rows.map((r) => r.reloadUsable)).toFixed(0)} | |`);
console.log(`| reload: MFA requests sent | ${median(sent)} | ${[...new Set(rows.flatMap((r) => r.requests))].join(', ') || 'none'} |`);
console.log(`| reload: SMS sent | ${median(rows.map((r) => r.sms))} | max ${Math.max(...rows.map((r) => r.sms))} |`);
console.log(`| reload: session taken up (mfa-resumed) | ${rows.filter((r) => r.resumed).length} of ${rows.length} | |`);
const broken = rows.some((r) => r.sms > 0 || r.requests.length > 0 || !r.resumed);
process.exit(broken ? 1 : 0);
