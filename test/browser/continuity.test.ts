// Continuity: one code per customer, across reloads, remounts and tabs (element contract,
// "Continuity"). Real element, real IndexedDB and Web Locks, the emulator behind; a same-origin
// iframe plays the second tab (it shares this page's storage and locks).
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { MfaOtpFlow } from '../../src/element/mfa-otp-flow.js';
import { clearRecords, overwriteRecords, storedRecords, storedText } from '../support/continuity-storage.js';
import { newSandbox, type Sandbox } from '../support/emulator-client.js';
import { installFakeClock, type FakeClock } from '../support/fake-clock.js';
import { FlowHarness, MOBILE, mountFlow, mountWithCode } from '../support/harness.js';

/** The element's calls, as its injectable transport sees them. */
function countCalls(el: MfaOtpFlow): string[] {
  const calls: string[] = [];
  el.fetch = (input, init) => {
    calls.push(String(input).replace(/^.*\/auth\/v1\/mfa\//, ''));
    return window.fetch(input, init);
  };
  return calls;
}

/** A second element for the same customer (same sandbox, brand and number), as a reload or a remount makes it. */
async function remount(sandbox: Sandbox, options: { token?: string; before?: (el: MfaOtpFlow) => void } = {}) {
  const el = await fixture<MfaOtpFlow>(html`<mfa-otp-flow base-url=${sandbox.baseUrl} brand="Bukl" identifier-value=${MOBILE}></mfa-otp-flow>`);
  const h = new FlowHarness(el);
  const calls = countCalls(el);
  options.before?.(el);
  el.authorizedToken = options.token ?? (await sandbox.mintToken());
  return { el, h, calls };
}

const wrongOf = (code: string) => (code === '000000' ? '111111' : '000000');

describe('continuity: one code per customer', () => {
  it('takes up the session after the element is created anew: no request, the code on the phone verifies', async () => {
    const first = await mountWithCode();
    const { sandbox } = first;
    const sessionId = first.el.sessionId;
    const code = await sandbox.latestCode(MOBILE);
    fixtureCleanup(); // the page reloads, or the framework re-creates the element

    const again = await remount(sandbox);
    const { detail } = await again.h.next('mfa-resumed');
    await again.h.untilState('code-sent');
    expect(detail).to.include({ sessionId, attempt: 1 });
    expect(detail.deviceId).to.equal(first.el.deviceId);
    expect(again.el.sessionId).to.equal(sessionId);
    expect(again.calls, 'requests before the code is typed').to.deep.equal([]);
    expect(again.h.eventsNamed('mfa-otp-sent')).to.have.length(0);
    expect(again.h.inputFocused).to.equal(true);

    const verified = again.h.next('mfa-verified');
    await again.h.type(code);
    await verified;
    expect(again.calls).to.deep.equal(['otp/validate']);
    expect(await sandbox.outbox(MOBILE)).to.have.length(1);
  });

  it('does not take up the session of another customer, nor of another vendor host', async () => {
    const { sandbox } = await mountWithCode();
    const other = await mountWithCode({ identifierValue: '18795770000' });
    expect(other.el.sessionId).to.not.equal(null);
    expect(other.h.eventsNamed('mfa-resumed')).to.have.length(0);
    const elsewhere = await mountWithCode(); // a fresh sandbox: another base URL
    expect(elsewhere.h.eventsNamed('mfa-resumed')).to.have.length(0);
    expect(await sandbox.outbox(MOBILE)).to.have.length(1);
  });

  it('opens a new session and sends at once after reset() + start(), and the old record is gone', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const old = el.sessionId;
    el.reset();
    const sent = h.next('mfa-otp-sent');
    await el.start();
    expect((await sent).detail.attempt).to.equal(1);
    expect(el.sessionId).to.not.equal(old);
    expect(await sandbox.outbox(MOBILE)).to.have.length(2);
    fixtureCleanup();
    const again = await remount(sandbox);
    const { detail } = await again.h.next('mfa-resumed');
    expect(detail.sessionId).to.equal(el.sessionId);
  });

  it('forgets the session once verified: the next element opens a new one', async () => {
    const { el, sandbox } = await mountWithCode();
    await el.verify(await sandbox.latestCode(MOBILE));
    expect(el.state).to.equal('verified');
    fixtureCleanup();
    const again = await remount(sandbox);
    await again.h.next('mfa-otp-sent');
    expect(again.calls).to.deep.equal(['token/generate', 'otp/generate']);
    expect(again.h.eventsNamed('mfa-resumed')).to.have.length(0);
  });

  for (const [name, code, step] of [
    ['an invalid session (1505)', 1505, 'otp/validate'],
    ['too many wrong codes (1518)', 1518, 'otp/validate'],
  ] as const) {
    it(`forgets the session after ${name}`, async () => {
      const { el, h, sandbox } = await mountWithCode();
      await sandbox.fault({ path: step, type: 'code', code });
      await el.verify(wrongOf(await sandbox.latestCode(MOBILE)));
      await h.untilState('error');
      fixtureCleanup();
      const again = await remount(sandbox);
      await again.h.next('mfa-otp-sent');
      expect(again.h.eventsNamed('mfa-resumed')).to.have.length(0);
    });
  }

  it('keeps the session through a wrong code (1506): the next element still takes it up', async () => {
    const { el, h, sandbox } = await mountWithCode();
    await el.verify(wrongOf(await sandbox.latestCode(MOBILE)));
    await h.untilState('code-sent');
    expect(el.error?.code).to.equal(1506);
    fixtureCleanup();
    const again = await remount(sandbox);
    await again.h.next('mfa-resumed');
  });

  it('shows the usual "session expired" path when the server has dropped a resumed session, and one action opens a new one', async () => {
    const { sandbox } = await mountWithCode();
    fixtureCleanup();
    const again = await remount(sandbox);
    await again.h.next('mfa-resumed');
    await sandbox.fault({ path: 'otp/validate', type: 'code', code: 1505 });
    await again.el.verify('123456');
    await again.h.untilState('error');
    expect(again.el.error).to.include({ code: 1505, kind: 'session-expired' });
    expect(again.h.has('retry')).to.equal(true);
    const sent = again.h.next('mfa-otp-sent');
    await again.h.click('retry');
    await sent;
    expect(again.el.state).to.equal('code-sent');
    expect(await sandbox.outbox(MOBILE)).to.have.length(2);
  });

  it('does not take up a session opened 15 minutes ago or more', async () => {
    const clock = installFakeClock();
    try {
      const { sandbox } = await mountWithCode();
      fixtureCleanup();
      await clock.tick(15 * 60_000);
      const again = await remount(sandbox);
      await again.h.next('mfa-otp-sent');
      expect(again.h.eventsNamed('mfa-resumed')).to.have.length(0);
      expect(await sandbox.outbox(MOBILE)).to.have.length(2);
    } finally {
      clock.uninstall();
    }
  });

  it('takes up a session opened 14 minutes ago', async () => {
    const clock = installFakeClock();
    try {
      const { sandbox } = await mountWithCode();
      fixtureCleanup();
      await clock.tick(14 * 60_000);
      const again = await remount(sandbox);
      await again.h.next('mfa-resumed');
    } finally {
      clock.uninstall();
    }
  });

  it('sends one code between two elements that start for the same customer in the same task', async () => {
    const sandbox = await newSandbox();
    const [tokenA, tokenB] = [await sandbox.mintToken(), await sandbox.mintToken()];
    const a = await fixture<MfaOtpFlow>(html`<div>
      <mfa-otp-flow manual base-url=${sandbox.baseUrl} brand="Bukl" identifier-value=${MOBILE}></mfa-otp-flow>
      <mfa-otp-flow manual base-url=${sandbox.baseUrl} brand="Bukl" identifier-value=${MOBILE}></mfa-otp-flow>
    </div>`);
    const [one, two] = [...a.querySelectorAll('mfa-otp-flow')] as MfaOtpFlow[];
    one!.authorizedToken = tokenA;
    two!.authorizedToken = tokenB;
    await Promise.all([one!.start(), two!.start()]);
    expect([one!.state, two!.state]).to.deep.equal(['code-sent', 'code-sent']);
    expect(one!.sessionId).to.equal(two!.sessionId);
    expect(await sandbox.outbox(MOBILE)).to.have.length(1);
    const code = await sandbox.latestCode(MOBILE);
    await two!.verify(code);
    expect(two!.state).to.equal('verified');
  });

  it('stores neither the token, the code, the session token nor the identifier, in IndexedDB or localStorage', async () => {
    const { el, h, sandbox, token } = await mountWithCode();
    const code = await sandbox.latestCode(MOBILE);
    const during = await storedText();
    const verified = h.next('mfa-verified');
    await el.verify(code);
    const mfaToken = (await verified).detail.token;
    const after = await storedText();
    for (const text of [during, after]) {
      for (const secret of [token, code, mfaToken, MOBILE, MOBILE.slice(-7)]) expect(text.includes(secret), secret).to.equal(false);
    }
    expect(during.includes(el.sessionId!), 'the record holds the session ID').to.equal(true);
  });

  describe('storage that fails costs only the resume', () => {
    const originals = {
      transaction: IDBDatabase.prototype.transaction,
      put: IDBObjectStore.prototype.put,
    };
    afterEach(() => {
      IDBDatabase.prototype.transaction = originals.transaction;
      IDBObjectStore.prototype.put = originals.put;
    });

    it('reaches verified when IndexedDB throws on every use', async () => {
      IDBDatabase.prototype.transaction = () => {
        throw new DOMException('denied', 'InvalidStateError');
      };
      const { el, sandbox } = await mountWithCode();
      await el.verify(await sandbox.latestCode(MOBILE));
      expect(el.state).to.equal('verified');
    });

    it('reaches verified when storage is full, and without a record a new element sends anew', async () => {
      IDBObjectStore.prototype.put = () => {
        throw new DOMException('full', 'QuotaExceededError');
      };
      const { sandbox } = await mountWithCode();
      fixtureCleanup();
      const again = await remount(sandbox);
      await again.h.next('mfa-otp-sent');
      await again.el.verify(await sandbox.latestCode(MOBILE));
      expect(again.el.state).to.equal('verified');
    });

    it('reaches verified when the stored record is garbage, and sweeps it', async () => {
      await clearRecords();
      const { sandbox } = await mountWithCode();
      fixtureCleanup();
      expect(await overwriteRecords({ sessionId: 42, sent: 'many' })).to.equal(1);
      const again = await remount(sandbox);
      await again.h.next('mfa-otp-sent');
      expect(again.h.eventsNamed('mfa-resumed')).to.have.length(0);
      // The garbage is gone; in its place, the new session's record.
      const left = await storedRecords();
      expect(left.map((r) => (r.value as { sessionId?: unknown }).sessionId)).to.deep.equal([again.el.sessionId]);
      await again.el.verify(await sandbox.latestCode(MOBILE));
      expect(again.el.state).to.equal('verified');
    });
  });

  describe('rate limits', () => {
    let clock: FakeClock;
    beforeEach(() => {
      clock = installFakeClock();
    });
    afterEach(() => clock.uninstall());

    it('caps a Retry-After of 99999999999 seconds at one hour', async () => {
      const { el, h, sandbox, token } = await mountFlow({ token: false });
      await sandbox.fault({ path: 'otp/generate', type: 'code', code: 429, headers: { 'Retry-After': '99999999999' } });
      el.authorizedToken = token;
      await h.untilState('error');
      expect(el.error!.retryAt! - clock.now()).to.equal(60 * 60_000);
      expect(h.countdown).to.equal(3600);
    });

    it('honours a Retry-After under an hour as it is', async () => {
      const { el, h, sandbox, token } = await mountFlow({ token: false });
      await sandbox.fault({ path: 'otp/generate', type: 'code', code: 429, headers: { 'Retry-After': '90' } });
      el.authorizedToken = token;
      await h.untilState('error');
      expect(el.error!.retryAt! - clock.now()).to.equal(90_000);
    });

    it('doubles the wait after each refusal without Retry-After, across re-creation, up to 15 minutes', async () => {
      const sandbox = await newSandbox();
      await sandbox.fault({ path: 'otp/generate', type: 'code', code: 429, times: -1 });
      const waits: number[] = [];
      let { el, h } = await remount(sandbox);
      await h.untilState('error');
      waits.push(el.error!.retryAt! - clock.now());
      for (let i = 0; i < 6; i++) {
        await clock.tick(waits[waits.length - 1]!);
        if (i === 2) {
          // A reload in the middle: the backoff goes on where it was.
          fixtureCleanup();
          ({ el, h } = await remount(sandbox));
        } else {
          await h.click('resend');
        }
        await h.untilState('error');
        waits.push(el.error!.retryAt! - clock.now());
      }
      expect(waits.map((ms) => ms / 60_000)).to.deep.equal([1, 2, 4, 8, 15, 15, 15]);
    });

    it('starts the backoff again after a code goes out', async () => {
      const sandbox = await newSandbox();
      await sandbox.fault({ path: 'otp/generate', type: 'code', code: 429, times: 2 });
      const { el, h } = await remount(sandbox);
      await h.untilState('error');
      await clock.tick(60_000);
      await h.click('resend');
      await h.untilState('error');
      expect(el.error!.retryAt! - clock.now()).to.equal(120_000);
      await clock.tick(120_000);
      await h.click('resend');
      await h.untilState('code-sent');
      await clock.tick(30_000);
      await sandbox.fault({ path: 'otp/generate', type: 'code', code: 429 });
      await h.click('resend');
      await h.untilState('error');
      expect(el.error!.retryAt! - clock.now()).to.equal(60_000);
    });

    it('a reload during the wait sends nothing and shows the same countdown', async () => {
      const sandbox = await newSandbox();
      await sandbox.fault({ path: 'otp/generate', type: 'code', code: 429 });
      const first = await remount(sandbox);
      await first.h.untilState('error');
      await clock.tick(20_000);
      fixtureCleanup();
      const again = await remount(sandbox);
      await again.h.untilState('error');
      expect(again.el.error).to.include({ kind: 'rate-limited', code: 429 });
      expect(again.h.countdown).to.equal(40);
      expect(again.calls).to.deep.equal(['token/generate']);
    });
  });
});

describe('continuity across tabs (same-origin iframes)', () => {
  interface TabFlow extends HTMLElement {
    authorizedToken: string;
    fetch: typeof fetch;
    readonly state: string;
    readonly sessionId: string | null;
    verify(otp: string): Promise<void>;
  }
  const frames: HTMLIFrameElement[] = [];
  afterEach(() => {
    for (const frame of frames.splice(0)) frame.remove();
  });

  /** A tab with the built bundle on a plain page, its element pointed at the sandbox. */
  async function openTab(sandbox: Sandbox): Promise<{ el: TabFlow; calls: string[] }> {
    const frame = document.createElement('iframe');
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.src = '/test/pages/plain.html';
    document.body.append(frame);
    frames.push(frame);
    await loaded;
    await frame.contentWindow!.customElements.whenDefined('mfa-otp-flow');
    const el = frame.contentDocument!.querySelector('mfa-otp-flow') as TabFlow;
    el.setAttribute('base-url', sandbox.baseUrl);
    const calls: string[] = [];
    const tabFetch = frame.contentWindow!.fetch.bind(frame.contentWindow);
    el.fetch = (input, init) => {
      calls.push(String(input).replace(/^.*\/auth\/v1\/mfa\//, ''));
      return tabFetch(input, init);
    };
    return { el, calls };
  }

  const next = (el: EventTarget, name: string) =>
    new Promise<CustomEvent>((resolve) => el.addEventListener(name, (e) => resolve(e as CustomEvent), { once: true }));

  it('a tab opened later takes up the session of the first, even once the first is closed, and the code verifies there', async () => {
    const sandbox = await newSandbox();
    const first = await openTab(sandbox);
    const sent = next(first.el, 'mfa-otp-sent');
    first.el.authorizedToken = await sandbox.mintToken();
    const { detail } = await sent;
    frames.shift()!.remove(); // the first tab is closed

    const second = await openTab(sandbox);
    const resumed = next(second.el, 'mfa-resumed');
    second.el.authorizedToken = await sandbox.mintToken();
    expect((await resumed).detail.sessionId).to.equal(detail.sessionId);
    expect(second.calls).to.deep.equal([]);
    const verified = next(second.el, 'mfa-verified');
    await second.el.verify(await sandbox.latestCode(MOBILE));
    await verified;
    expect(second.el.state).to.equal('verified');
  });

  it('two tabs starting at the same moment send one code between them, and both are in its session', async () => {
    const sandbox = await newSandbox();
    const [a, b] = [await openTab(sandbox), await openTab(sandbox)];
    const [tokenA, tokenB] = [await sandbox.mintToken(), await sandbox.mintToken()];
    const settled = (el: TabFlow) =>
      new Promise<void>((resolve) => {
        const check = () => el.state === 'code-sent' && resolve();
        el.addEventListener('mfa-state-change', check);
      });
    const both = Promise.all([settled(a.el), settled(b.el)]);
    a.el.authorizedToken = tokenA;
    b.el.authorizedToken = tokenB;
    await both;
    expect(a.el.sessionId).to.equal(b.el.sessionId);
    expect(await sandbox.outbox(MOBILE)).to.have.length(1);
    expect([...a.calls, ...b.calls].filter((c) => c === 'otp/generate')).to.have.length(1);
  });
});
