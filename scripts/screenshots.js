// npm run screenshots: drives the demo (demo/) through its main states in headless Chromium and
// writes PNGs to screenshots/, plus, for the README: docs/widget.png (the widget alone waiting for
// the code: the picture people compare with other sign-in widgets), docs/states.png (a strip of the
// widget in its main states: code sent, wrong code, rate limited, offline, dark, a 375 px phone,
// Arabic right to left) and docs/demo.png (the demo page with a code sent).
// Starts its own vite dev server on a free port, so it never clashes with a running `npm start`.
// Fails (exit 1) on any page error, console error or CSP violation, or after TIME_LIMIT_MS.
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROME_ARGS, findChrome } from './chrome-path.js';
import { startDemoServer } from './demo-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'screenshots');
const DOCS_SHOT = 'docs-demo.png'; // top of 01-code-sent.png, copied to docs/demo.png
const WIDGET = 'docs-widget.png'; // copied to docs/widget.png
const STRIP = 'docs-states.png'; // copied to docs/states.png
const DOCS_MAX_BYTES = { 'demo.png': 250 * 1024, 'widget.png': 100 * 1024, 'states.png': 400 * 1024 };
const TIME_LIMIT_MS = 120_000;
const WAIT_MS = 15_000;

// Shadow-piercing selectors (puppeteer's `>>>`) reach the parts the element exposes.
const part = (name) => `mfa-otp-flow >>> [part="${name}"]`;

const problems = [];
/** The widget alone, state by state, for the strip: { file, caption }. */
const states = [];
let offline = false;
let server;
let browser;

const watchdog = setTimeout(() => {
  console.error(`screenshots: gave up after ${TIME_LIMIT_MS / 1000} s`);
  process.exit(1);
}, TIME_LIMIT_MS);
watchdog.unref();

async function main() {
  mkdirSync(outDir, { recursive: true });
  let url;
  ({ server, url } = await startDemoServer());

  browser = await puppeteer.launch({ executablePath: findChrome(), args: CHROME_ARGS });
  const page = await openDemo(url, { width: 1360, height: 900 });
  await page.select('#settings select[name="theme"]', 'light');

  // 1. Sign in with the first-factor stand-in: the widget sends a code, the outbox shows it.
  await signIn(page, '+91 98450 12345');
  await page.waitForSelector('mfa-otp-flow[state="code-sent"]', { timeout: WAIT_MS });
  await page.waitForSelector('#outbox-list .current .code', { timeout: WAIT_MS });
  await shot(page, '01-code-sent.png');
  // The README copy: the top of the same page, clipped to stay small.
  await shot(page, DOCS_SHOT, { clip: { x: 0, y: 0, width: 1360, height: 900 } });
  await widget(page, 'state-code-sent.png', 'Code sent');
  // The README's first picture: the same, crisp (twice the pixels).
  await page.setViewport({ width: 1360, height: 900, deviceScaleFactor: 2 });
  await settle();
  await (await page.$('#flow')).screenshot({ path: join(outDir, WIDGET) });
  await page.setViewport({ width: 1360, height: 900, deviceScaleFactor: 1 });
  console.log(`  ${WIDGET}`);

  // 2. A wrong code: every digit of the real one changed, typed into the field (submits by itself).
  const code = await page.$eval('#outbox-list .current .code', (el) => el.textContent.trim());
  const wrong = code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
  await page.type(part('input'), wrong);
  await page.waitForSelector(part('error'), { timeout: WAIT_MS });
  await shot(page, '02-wrong-code.png');
  await widget(page, 'state-wrong-code.png', 'Wrong code');

  // 3. The right code.
  await page.type(part('input'), code);
  await page.waitForSelector('mfa-otp-flow[state="verified"]', { timeout: WAIT_MS });
  await page.waitForSelector('#log-list .log-event strong', { timeout: WAIT_MS });
  await shot(page, '03-verified.png');

  // 4. Rate limited: a new customer with a 1 s cooldown; arm a 429 on the next send, press Resend.
  await page.$eval('#flow', (el) => (el.resendAfter = 1));
  await signIn(page, '+91 98450 22222');
  await page.waitForSelector('mfa-otp-flow[state="code-sent"]', { timeout: WAIT_MS });
  await click(page, '[data-fault="rate-limit"]');
  await page.waitForFunction(() => document.querySelector('#log-list li strong')?.textContent?.startsWith('Rate limit'), { timeout: WAIT_MS });
  await page.waitForFunction(() => document.querySelector('#flow')?.shadowRoot?.querySelector('[part="resend"]')?.disabled === false, {
    timeout: WAIT_MS,
  });
  await click(page, part('resend'));
  await page.waitForSelector(part('countdown'), { timeout: WAIT_MS });
  await page.waitForSelector('mfa-otp-flow[state="error"]', { timeout: WAIT_MS });
  await shot(page, '04-rate-limited.png');
  await widget(page, 'state-rate-limited.png', 'Rate limited');
  await page.$eval('#flow', (el) => (el.resendAfter = 30));

  // 5. Offline, with part of a code typed: one message, Verify disabled, nothing submits.
  await signIn(page, '+91 98450 33333');
  await page.waitForSelector('mfa-otp-flow[state="code-sent"]', { timeout: WAIT_MS });
  offline = true;
  await page.setOfflineMode(true);
  await page.type(part('input'), '1234');
  await widget(page, 'state-offline.png', 'Offline');
  await page.setOfflineMode(false);
  offline = false;

  // 6. Dark theme, with a new customer.
  await page.select('#settings select[name="theme"]', 'dark');
  await signIn(page, '+91 98450 67890');
  await page.waitForSelector('mfa-otp-flow[state="code-sent"]', { timeout: WAIT_MS });
  await page.waitForSelector('#outbox-list .current .code', { timeout: WAIT_MS });
  await shot(page, '05-dark.png');
  await widget(page, 'state-dark.png', 'Dark');
  await page.close();

  // 7. A 375 px phone, in English, then in Arabic (right to left).
  const phone = await openDemo(url, { width: 375, height: 812, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await phone.select('#settings select[name="theme"]', 'light');
  await signIn(phone, '+966 50 123 4567');
  await phone.waitForSelector('mfa-otp-flow[state="code-sent"]', { timeout: WAIT_MS });
  await widget(phone, 'state-phone.png', 'Phone, 375 px');
  await phone.select('#settings select[name="language"]', 'ar');
  await phone.waitForFunction(() => document.querySelector('#widget-host')?.dir === 'rtl', { timeout: WAIT_MS });
  await shot(phone, '06-phone-rtl-ar.png');
  await widget(phone, 'state-rtl-ar.png', 'Arabic, right to left');
  await shot(phone, '07-phone-full-page.png', { fullPage: true });
  await phone.close();

  await strip();

  if (problems.length) throw new Error(`the page reported problems:\n  ${problems.join('\n  ')}`);
  for (const [from, to] of [
    [DOCS_SHOT, 'demo.png'],
    [WIDGET, 'widget.png'],
    [STRIP, 'states.png'],
  ]) {
    copyFileSync(join(outDir, from), join(root, 'docs', to));
    const bytes = statSync(join(root, 'docs', to)).size;
    if (bytes > DOCS_MAX_BYTES[to]) throw new Error(`docs/${to} is ${bytes} bytes, over ${DOCS_MAX_BYTES[to]}`);
    console.log(`screenshots: docs/${to} (${Math.round(bytes / 1024)} KB)`);
  }
  console.log('screenshots: wrote screenshots/*.png');
}

/** The widget alone (its own box), for the strip of states. */
async function widget(page, name, caption) {
  await settle();
  const element = await page.$('#flow');
  await element.screenshot({ path: join(outDir, name) });
  const scale = page.viewport()?.deviceScaleFactor ?? 1;
  states.push({ name, caption, scale });
  console.log(`  ${name}`);
}

/** Lays the widget shots side by side with their captions, in a page of its own, and shoots that. */
async function strip() {
  const page = await browser.newPage();
  await page.setViewport({ width: 1800, height: 600, deviceScaleFactor: 1 });
  const figures = states
    .map(({ name, caption, scale }) => {
      const data = readFileSync(join(outDir, name)).toString('base64');
      return { data, caption, scale };
    });
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.evaluate((figures) => {
    document.body.style.cssText = 'margin:0;padding:16px;background:#eef0f4;font:14px system-ui,sans-serif;color:#1d1d1f';
    const row = document.createElement('div');
    row.id = 'strip';
    row.style.cssText = 'display:grid;grid-template-columns:repeat(4,max-content);gap:16px;align-items:start;width:max-content';
    for (const { data, caption, scale } of figures) {
      const figure = document.createElement('figure');
      figure.style.cssText = 'margin:0';
      const img = document.createElement('img');
      img.src = `data:image/png;base64,${data}`;
      img.style.cssText = 'display:block;max-width:400px;height:auto;border-radius:10px;box-shadow:0 1px 3px rgb(0 0 0 / 20%)';
      img.dataset.scale = String(scale);
      const text = document.createElement('figcaption');
      text.textContent = caption;
      text.style.cssText = 'margin-top:6px;font-weight:600';
      figure.append(img, text);
      row.append(figure);
    }
    document.body.append(row);
    return Promise.all(
      [...document.images].map((img) =>
        img.decode().then(() => {
          img.style.width = `${Math.min(400, img.naturalWidth / Number(img.dataset.scale))}px`;
        }),
      ),
    );
  }, figures);
  const element = await page.$('#strip');
  await element.screenshot({ path: join(outDir, STRIP) });
  await page.close();
  console.log(`  ${STRIP}`);
}

async function openDemo(url, viewport) {
  const page = await browser.newPage();
  await page.setViewport({ deviceScaleFactor: 1, ...viewport });
  // A listener installed before any page script, so a CSP violation anywhere is caught.
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const where = message.location()?.url ?? '';
    // The faults make the vendor API fail on purpose; Chromium logs each failed load as an error.
    // Offline (on purpose), the outbox poll fails the same way.
    const expected = where.includes('/auth/v1/mfa/') || (offline && where.includes('/__emulator/'));
    if (message.type() !== 'error' || (message.text().startsWith('Failed to load') && expected)) return;
    problems.push(`console: ${message.text()} ${where}`);
  });
  await page.goto(url, { waitUntil: 'networkidle0', timeout: WAIT_MS });
  await page.waitForFunction(() => customElements.get('mfa-otp-flow') !== undefined, { timeout: WAIT_MS });
  return page;
}

async function signIn(page, identifier) {
  const input = await page.$('#first-factor input[name="identifierValue"]');
  await input.click({ count: 3 });
  await input.type(identifier);
  await click(page, '#first-factor button[type="submit"]');
}

async function click(page, selector) {
  const button = await page.waitForSelector(selector, { timeout: WAIT_MS });
  await button.click();
}

function settle() {
  // Let the widget finish its render and the outbox its next poll before the picture.
  return new Promise((resolve) => setTimeout(resolve, 300));
}

async function shot(page, name, options = {}) {
  await settle();
  await page.screenshot({ path: join(outDir, name), ...options });
  console.log(`  ${name}`);
}

try {
  await main();
} catch (error) {
  console.error(`screenshots: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => undefined);
  await server?.close().catch(() => undefined);
}
