// The built standalone bundle, loaded the way a plain page loads it: one module script tag, no
// import map, no bundler (test/pages/plain.html in an iframe). Assumes `npm run build` ran.
import { expect } from '@open-wc/testing';
import { DEVICE_ID_STORAGE_KEY } from '../../src/device/device-id.js';
import { newSandbox } from '../support/emulator-client.js';
import { nextTask } from '../support/next-task.js';
import { restoreStoredDeviceId } from '../support/stored-device-id.js';

const MOBILE = '18795774754';

interface FlowLike extends HTMLElement {
  authorizedToken: string;
  baseUrl: string;
  readonly state: string;
  readonly error: { step: string; code: unknown; retryable: boolean } | null;
  verify(otp: string): Promise<void>;
}

/** Holds back or refuses the next requests of a lazy chunk (test/support/chunk-faults.js). */
async function chunkFault(spec: { match: string; delayMs?: number; status?: number; times?: number } | { clear: true }) {
  const res = await fetch('/__chunk-faults', { method: 'POST', body: JSON.stringify(spec) });
  expect(res.ok).to.equal(true);
}

function untilState(el: FlowLike, state: string, timeoutMs = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (el.state === state) return resolve();
    const timer = setTimeout(() => reject(new Error(`still ${el.state}, not ${state}, after ${timeoutMs} ms`)), timeoutMs);
    const check = () => {
      if (el.state !== state) return;
      clearTimeout(timer);
      el.removeEventListener('mfa-state-change', check);
      resolve();
    };
    el.addEventListener('mfa-state-change', check);
  });
}

/** test/pages/plain.html in an iframe; `bundle` replaces its script's src (same origin either way). */
async function loadPlainPage(bundle?: string): Promise<{ frame: HTMLIFrameElement; win: Window; doc: Document }> {
  const frame = document.createElement('iframe');
  const loaded = new Promise<void>((resolve, reject) => {
    frame.addEventListener('load', () => resolve(), { once: true });
    frame.addEventListener('error', () => reject(new Error('iframe failed to load')), { once: true });
  });
  if (bundle) {
    const html = await (await fetch('/test/pages/plain.html')).text();
    frame.srcdoc = html.replace('/dist/mfa-otp-flow.js', bundle);
  } else {
    frame.src = '/test/pages/plain.html';
  }
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow!;
  const doc = frame.contentDocument!;
  await win.customElements.whenDefined('mfa-otp-flow');
  return { frame, win, doc };
}

function nextEvent(target: EventTarget, name: string, timeoutMs = 8000): Promise<CustomEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} within ${timeoutMs} ms`)), timeoutMs);
    target.addEventListener(
      name,
      (e) => {
        clearTimeout(timer);
        resolve(e as CustomEvent);
      },
      { once: true },
    );
  });
}

describe('the built bundle on a plain page', () => {
  let frame: HTMLIFrameElement | undefined;
  afterEach(() => {
    frame?.remove();
    frame = undefined;
  });

  it('defines <mfa-otp-flow> from one script tag and verifies a code set from script', async () => {
    const page = await loadPlainPage();
    frame = page.frame;
    const el = page.doc.querySelector('mfa-otp-flow') as FlowLike;
    expect(el.localName).to.equal('mfa-otp-flow');
    expect(page.win.customElements.get('mfa-otp-flow') === el.constructor).to.equal(true);
    expect(Boolean(el.shadowRoot)).to.equal(true);

    const sandbox = await newSandbox();
    el.setAttribute('base-url', sandbox.baseUrl);
    const token = await sandbox.mintToken({ identifierType: 'MOBILE', identifierValue: MOBILE, brand: 'Bukl' });
    const sent = nextEvent(el, 'mfa-otp-sent');
    el.authorizedToken = token; // a property, as a page script would set it
    const sentEvent = await sent;
    expect(String(sentEvent.detail.sessionId)).to.match(/^P-/);

    const code = await sandbox.latestCode(MOBILE);
    const verified = nextEvent(el, 'mfa-verified');
    await el.verify(code);
    const { detail } = await verified;
    expect(typeof detail.token).to.equal('string');
    expect(detail.token === '').to.equal(false);
    expect(detail.sessionId).to.equal(sentEvent.detail.sessionId);
    expect(el.getAttribute('state')).to.equal('verified');
  });

  it('survives the script being loaded a second time', async () => {
    const page = await loadPlainPage();
    frame = page.frame;
    const before = page.win.customElements.get('mfa-otp-flow');
    const errors: string[] = [];
    page.win.addEventListener('error', (e) => errors.push(String(e.message)));
    const second = page.doc.createElement('script');
    second.type = 'module';
    second.src = '/dist/mfa-otp-flow.js?v=2';
    const loaded = new Promise<string>((resolve) => {
      second.addEventListener('load', () => resolve('load'), { once: true });
      second.addEventListener('error', () => resolve('error'), { once: true });
    });
    page.doc.head.append(second);
    expect(await loaded).to.equal('load');
    // Give any late error a turn to surface.
    await nextTask();
    expect(errors.join(' | ')).to.equal('');
    expect(page.win.customElements.get('mfa-otp-flow') === before).to.equal(true);
    const el = page.doc.querySelector('mfa-otp-flow') as FlowLike;
    expect(Boolean(el.shadowRoot)).to.equal(true);
  });
});

describe('the built bundle and its lazy chunks', () => {
  let frame: HTMLIFrameElement | undefined;
  restoreStoredDeviceId();
  beforeEach(() => {
    // A returning visitor: the device ID is known, so nothing lazy is needed.
    localStorage.setItem(DEVICE_ID_STORAGE_KEY, 'plain-page-device-0001');
  });
  afterEach(async () => {
    frame?.remove();
    frame = undefined;
    await chunkFault({ clear: true });
  });

  let visits = 0;
  /**
   * The plain page with the bundle under a path of its own (test/support/chunk-faults.js), so that its
   * chunks come from the server rather than a cache, for a customer of their own (no cooldown left
   * over from another test).
   */
  async function startOnPlainPage() {
    const visit = `${Date.now() % 1e8}${String(visits++).padStart(2, '0')}`;
    const page = await loadPlainPage(`/__fresh/${visit}/dist/mfa-otp-flow.js`);
    frame = page.frame;
    const el = page.doc.querySelector('mfa-otp-flow') as FlowLike;
    const mobile = `91${visit}`;
    const sandbox = await newSandbox();
    el.setAttribute('base-url', sandbox.baseUrl);
    el.setAttribute('identifier-value', mobile);
    el.authorizedToken = await sandbox.mintToken({ identifierType: 'MOBILE', identifierValue: mobile, brand: 'Bukl' });
    return { ...page, el, sandbox, mobile };
  }

  it('a returning visit loads no chunk at all: the first request needs nothing lazy', async () => {
    const { win, el } = await startOnPlainPage();
    await nextEvent(el, 'mfa-otp-sent');
    const entries = win.performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    expect(entries.filter((e) => e.name.includes('/chunks/')).map((e) => e.name)).to.deep.equal([]);
    expect(entries.some((e) => e.name.endsWith('/auth/v1/mfa/token/generate'))).to.equal(true);
    expect(el.getAttribute('state')).to.equal('code-sent');
  });

  it('a first visit whose fingerprint chunk cannot be loaded still sends the code, with a random device ID', async () => {
    localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
    await chunkFault({ match: '/chunks/fingerprint-', status: 503, times: 5 });
    const { el } = await startOnPlainPage();
    const sent = await nextEvent(el, 'mfa-otp-sent');
    expect((sent as CustomEvent<{ deviceId: string }>).detail.deviceId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(el.getAttribute('state')).to.equal('code-sent');
  });

  it('announces a repeated wrong code again (a new alert node), as minified', async () => {
    const { el, sandbox, mobile } = await startOnPlainPage();
    await untilState(el, 'code-sent');
    const code = await sandbox.latestCode(mobile);
    const wrong = code === '000000' ? '111111' : '000000';
    await el.verify(wrong);
    await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    const first = el.shadowRoot!.querySelector('[part="error"]')?.firstElementChild;
    expect(Boolean(first)).to.equal(true);
    // Same text, new node (the alert goes while the code is checked): what makes a screen reader
    // announce the alert again.
    await el.verify(wrong);
    await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    const again = el.shadowRoot!.querySelector('[part="error"]')?.firstElementChild;
    expect(again?.textContent).to.equal(first?.textContent);
    expect(again === first).to.equal(false);
  });
});
