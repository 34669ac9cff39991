// The built standalone bundle, loaded the way a plain page loads it: one module script tag, no
// import map, no bundler (test/pages/plain.html in an iframe). Assumes `npm run build` ran.
import { expect } from '@open-wc/testing';
import { newSandbox } from '../support/emulator-client.js';

const MOBILE = '18795774754';

interface FlowLike extends HTMLElement {
  authorizedToken: string;
  baseUrl: string;
  verify(otp: string): Promise<void>;
}

async function loadPlainPage(): Promise<{ frame: HTMLIFrameElement; win: Window; doc: Document }> {
  const frame = document.createElement('iframe');
  const loaded = new Promise<void>((resolve, reject) => {
    frame.addEventListener('load', () => resolve(), { once: true });
    frame.addEventListener('error', () => reject(new Error('iframe failed to load')), { once: true });
  });
  frame.src = '/test/pages/plain.html';
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
    await new Promise((r) => setTimeout(r, 50));
    expect(errors.join(' | ')).to.equal('');
    expect(page.win.customElements.get('mfa-otp-flow') === before).to.equal(true);
    const el = page.doc.querySelector('mfa-otp-flow') as FlowLike;
    expect(Boolean(el.shadowRoot)).to.equal(true);
  });
});
