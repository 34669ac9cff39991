// Element contract, "Guarantees": tokens and codes never appear in attributes, the DOM (light or
// shadow), URLs, console output or storage.
import { storedText } from '../support/continuity-storage.js';
import { expect } from '@open-wc/testing';
import { MOBILE, mountWithCode } from '../support/harness.js';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

function storageDump(storage: Storage): { keys: string[]; text: string } {
  const keys: string[] = [];
  let text = '';
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i)!;
    keys.push(key);
    text += `${key}=${storage.getItem(key) ?? ''}\n`;
  }
  return { keys, text };
}

function attributesText(el: Element): string {
  return Array.from(el.attributes, (a) => `${a.name}=${a.value}`).join('\n');
}

describe('<mfa-otp-flow> token hygiene', () => {
  it('leaks neither token nor code into attributes, DOM, URLs, console or storage over a full flow', async () => {
    const logged: string[] = [];
    const originals = CONSOLE_METHODS.map((m) => console[m]);
    CONSOLE_METHODS.forEach((m, i) => {
      console[m] = (...args: unknown[]) => {
        logged.push(args.map((a) => { try { return typeof a === 'string' ? a : JSON.stringify(a) ?? String(a); } catch { return String(a); } }).join(' '));
        (originals[i] as (...a: unknown[]) => void).apply(console, args);
      };
    });
    let firstFactor = '';
    let mfaToken = '';
    let code = '';
    let el!: Awaited<ReturnType<typeof mountWithCode>>['el'];
    try {
      performance.clearResourceTimings();
      // Start from empty storage so whatever is there afterwards was written by this flow.
      localStorage.clear();
      sessionStorage.clear();
      const mounted = await mountWithCode();
      el = mounted.el;
      firstFactor = mounted.token;
      code = await mounted.sandbox.latestCode(MOBILE);
      const verified = mounted.h.next('mfa-verified');
      await mounted.h.type(code);
      const { detail } = await verified;
      await mounted.h.untilState('verified');
      mfaToken = detail.token;
    } finally {
      CONSOLE_METHODS.forEach((m, i) => ((console as unknown as Record<string, unknown>)[m] = originals[i]));
    }
    expect(firstFactor.length > 0, 'first-factor token').to.equal(true);
    expect(mfaToken.length > 0, 'mfa token in mfa-verified detail').to.equal(true);
    expect(/^\d+$/.test(code), 'code from outbox').to.equal(true);

    const urls = performance.getEntriesByType('resource').map((e) => e.name).join('\n');
    const local = storageDump(localStorage);
    const session = storageDump(sessionStorage);
    const places: Record<string, string> = {
      indexedDB: await storedText(),
      attributes: attributesText(el),
      outerHTML: el.outerHTML,
      shadowHTML: el.shadowRoot!.innerHTML,
      urls,
      console: logged.join('\n'),
      localStorage: local.text,
      sessionStorage: session.text,
    };
    const secrets: Record<string, string> = { firstFactor, mfaToken, code };
    for (const [where, text] of Object.entries(places)) {
      for (const [what, secret] of Object.entries(secrets)) {
        expect(text.includes(secret), `${what} found in ${where}`).to.equal(false);
      }
    }
    const keys = [...local.keys, ...session.keys];
    const foreign = keys.filter((k) => !k.startsWith('mfa-otp-flow:'));
    const ours = keys.filter((k) => k.startsWith('mfa-otp-flow:'));
    expect(ours.sort(), 'our storage keys').to.deep.equal(['mfa-otp-flow:device-id', 'mfa-otp-flow:live']);
    expect(foreign.join(','), 'storage keys not ours').to.equal('');
  });

  it('never reflects authorizedToken into an attribute', async () => {
    const { el, token } = await mountWithCode();
    const other = 'secret-token-' + crypto.randomUUID();
    el.authorizedToken = other;
    await el.updateComplete;
    const attrs = attributesText(el);
    expect(attrs.includes(other)).to.equal(false);
    expect(attrs.includes(token)).to.equal(false);
    expect(el.outerHTML.includes(other)).to.equal(false);
    el.reset();
  });

  it('forgets the first-factor token once mfa-verified has fired, and not before', async () => {
    const { el, h, sandbox, token } = await mountWithCode();
    expect(el.authorizedToken).to.equal(token);
    let during = '';
    el.addEventListener('mfa-verified', () => (during = el.authorizedToken), { once: true });
    const verified = h.next('mfa-verified');
    await el.verify(await sandbox.latestCode(MOBILE));
    await verified;
    expect(during, 'still set while the page hears mfa-verified').to.equal(token);
    expect(el.authorizedToken).to.equal('');
    expect(el.state).to.equal('verified');
  });
});
