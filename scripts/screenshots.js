// npm run screenshots: drives the demo (demo/) through its main states in headless Chromium and
// writes PNGs to screenshots/, plus one representative shot to docs/demo.png for the README.
// Starts its own vite dev server on a free port, so it never clashes with a running `npm start`.
// Fails (exit 1) on any page error, console error or CSP violation, or after TIME_LIMIT_MS.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { CHROME_ARGS, findChrome } from './chrome-path.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'screenshots');
const DOCS_SHOT = 'docs-demo.png'; // top of 03-verified.png, copied to docs/demo.png
const DOCS_MAX_BYTES = 200 * 1024;
const TIME_LIMIT_MS = 120_000;
const WAIT_MS = 15_000;

// Shadow-piercing selectors (puppeteer's `>>>`) reach the parts the element exposes.
const part = (name) => `mfa-otp-flow >>> [part="${name}"]`;

const problems = [];
let server;
let browser;

const watchdog = setTimeout(() => {
  console.error(`screenshots: gave up after ${TIME_LIMIT_MS / 1000} s`);
  process.exit(1);
}, TIME_LIMIT_MS);
watchdog.unref();

async function main() {
  mkdirSync(outDir, { recursive: true });
  server = await createServer({
    root: join(root, 'demo'),
    configFile: join(root, 'vite.config.ts'),
    server: { port: 0, strictPort: false, hmr: false },
    logLevel: 'warn',
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite did not report a local URL');

  browser = await puppeteer.launch({ executablePath: findChrome(), args: CHROME_ARGS });
  const page = await openDemo(url, { width: 1360, height: 900 });

  // 1. Sign in with the first-factor stand-in: the widget sends a code, the outbox shows it.
  await signIn(page, '+91 98450 12345');
  await page.waitForSelector('mfa-otp-flow[state="code-sent"]', { timeout: WAIT_MS });
  await page.waitForSelector('#outbox-list .current .code', { timeout: WAIT_MS });
  await shot(page, '01-code-sent.png');

  // 2. A wrong code: every digit of the real one changed, typed into the field (submits by itself).
  const code = await page.$eval('#outbox-list .current .code', (el) => el.textContent.trim());
  const wrong = code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
  await page.type(part('input'), wrong);
  await page.waitForSelector(part('error'), { timeout: WAIT_MS });
  await shot(page, '02-wrong-code.png');

  // 3. The right code.
  await page.type(part('input'), code);
  await page.waitForSelector('mfa-otp-flow[state="verified"]', { timeout: WAIT_MS });
  await page.waitForSelector('#log-list .log-event strong', { timeout: WAIT_MS });
  await shot(page, '03-verified.png');
  // The README copy: the top of the same page, clipped to stay small.
  await shot(page, DOCS_SHOT, { clip: { x: 0, y: 0, width: 1360, height: 700 } });

  // 4. Rate limited: arm a 429 on the next send, then reset() and start() a new session.
  await click(page, '[data-fault="rate-limit"]');
  await page.waitForFunction(() => document.querySelector('#log-list li strong')?.textContent?.startsWith('Rate limit'), { timeout: WAIT_MS });
  await click(page, '[data-method="reset"]');
  await click(page, '[data-method="start"]');
  await page.waitForSelector(part('countdown'), { timeout: WAIT_MS });
  await shot(page, '04-rate-limited.png');

  // 5. Dark theme, with a new customer so no remembered cooldown gets in the way.
  await page.select('#settings select[name="theme"]', 'dark');
  await signIn(page, '+91 98450 67890');
  await page.waitForSelector('mfa-otp-flow[state="code-sent"]', { timeout: WAIT_MS });
  await page.waitForSelector('#outbox-list .current .code', { timeout: WAIT_MS });
  await shot(page, '05-dark.png');
  await page.close();

  // 6. Phone, Arabic, right to left.
  const phone = await openDemo(url, { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await phone.select('#settings select[name="language"]', 'ar');
  await signIn(phone, '+966 50 123 4567');
  await phone.waitForSelector('mfa-otp-flow[state="code-sent"]', { timeout: WAIT_MS });
  await phone.waitForFunction(() => document.querySelector('#widget-host')?.dir === 'rtl', { timeout: WAIT_MS });
  await shot(phone, '06-phone-rtl-ar.png');
  await shot(phone, '07-phone-full-page.png', { fullPage: true });
  await phone.close();

  if (problems.length) throw new Error(`the page reported problems:\n  ${problems.join('\n  ')}`);
  copyFileSync(join(outDir, DOCS_SHOT), join(root, 'docs', 'demo.png'));
  const bytes = statSync(join(root, 'docs', 'demo.png')).size;
  if (bytes > DOCS_MAX_BYTES) throw new Error(`docs/demo.png is ${bytes} bytes, over ${DOCS_MAX_BYTES}`);
  console.log(`screenshots: wrote screenshots/*.png and docs/demo.png (${Math.round(bytes / 1024)} KB)`);
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
    if (message.type() !== 'error' || (message.text().startsWith('Failed to load') && where.includes('/auth/v1/mfa/'))) return;
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

async function shot(page, name, options = {}) {
  // Let the widget finish its render and the outbox its next poll before the picture.
  await new Promise((resolve) => setTimeout(resolve, 300));
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
