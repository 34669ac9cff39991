// A customer's journey through the widget, item by item of issue #14: what they see, where their
// focus is, what a screen reader hears, and that every state has a way forward.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { LOCALES } from '../../demo/locales.js';
import '../../src/define.js';
import type { MfaOtpFlow } from '../../src/element/mfa-otp-flow.js';
import { installFakeClock, type FakeClock } from '../support/fake-clock.js';
import { newSandbox } from '../support/emulator-client.js';
import { FlowHarness, MOBILE, mountFlow, mountWithCode } from '../support/harness.js';

/** The code written with the digits of the script whose zero is at `zero`. */
const inScript = (code: string, zero: number) => [...code].map((d) => String.fromCodePoint(zero + Number(d))).join('');
const wrongOf = (code: string) => (code === '000000' ? '111111' : '000000');

/** Counts the element's calls to the vendor API. */
function countCalls(el: MfaOtpFlow): string[] {
  const calls: string[] = [];
  el.fetch = (input, init) => {
    calls.push(String(input).replace(/^.*\/auth\/v1\/mfa\//, ''));
    return fetch(input, init);
  };
  return calls;
}

/** What the code field held when the flow went to verifying (the field goes once verified). */
function fieldWhenSubmitted(h: FlowHarness): Promise<string> {
  return new Promise((resolve) => {
    const check = (e: Event) => {
      if ((e as CustomEvent<{ state: string }>).detail.state !== 'verifying') return;
      h.el.removeEventListener('mfa-state-change', check);
      resolve(h.input?.value ?? '');
    };
    h.el.addEventListener('mfa-state-change', check);
  });
}

describe('<mfa-otp-flow> the customer’s journey (issue #14)', () => {
  describe('1. translations with the wrong placeholders', () => {
    let warnings: string[];
    const warn = console.warn;
    beforeEach(() => {
      warnings = [];
      console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    });
    afterEach(() => (console.warn = warn));

    it('shows the default text instead of a literal {placeholder}, and warns the developer', async () => {
      const { el, h } = await mountWithCode();
      const unique = crypto.randomUUID(); // a text is reported once per page
      // As if read from a JSON file at run time: no type check can help here.
      el.strings = JSON.parse(
        JSON.stringify({
          hint: `Saisissez le code à {length} chiffres envoyé au {destination} ${unique}.`,
          codeSent: `Code envoyé ${unique}.`, // leaves out {destination}
          submit: 'Valider',
        }),
      );
      await el.updateComplete;
      expect(el.shadowRoot!.textContent).to.not.match(/[{}]/);
      expect(el.shadowRoot!.textContent).to.contain('Enter the 6-digit code.');
      expect(h.statusText).to.equal('Code sent to ••••4754.');
      expect(h.text('submit')).to.equal('Valider'); // a well-formed text is used
      expect(warnings).to.have.length(2);
      expect(warnings.join('\n')).to.contain('strings.hint').and.contain('strings.codeSent');
    });

    it('the demo’s French and Arabic show no literal placeholder in any state they reach', async () => {
      for (const locale of [LOCALES.fr!, LOCALES.ar!]) {
        sessionStorage.clear();
        const { el, h } = await mountWithCode();
        el.strings = locale.strings;
        await el.updateComplete;
        expect(el.shadowRoot!.textContent).to.not.match(/[{}]/);
        expect(h.statusText).to.contain('••••4754');
        expect(el.shadowRoot!.textContent).to.contain('6');
      }
      expect(warnings).to.deep.equal([]);
    });
  });

  describe('2. resend keeps the field, its place and focus, and says a new code went out', () => {
    let clock: FakeClock;
    beforeEach(() => (clock = installFakeClock()));
    afterEach(() => clock.uninstall());

    for (const width of [416, 375]) {
      it(`at ${width} px: the card does not change height, focus stays in the field, "New code sent" is announced`, async () => {
        const { el, h, sandbox } = await mountWithCode({ resendAfter: 1 });
        el.style.width = `${width}px`;
        await clock.tick(1000);
        await el.updateComplete;
        const height = () => Math.round(el.getBoundingClientRect().height);
        const before = height();
        expect(before).to.be.greaterThan(200);
        const log = h.statusLog();
        await sandbox.fault({ path: 'otp/generate', type: 'latency', ms: 300 });
        h.part('resend')!.focus();
        await h.click('resend');
        await h.untilState('sending');
        // While the new code is on its way: everything in place, the field read-only and focused.
        expect(height()).to.equal(before);
        expect(h.has('input')).to.equal(true);
        expect(h.input!.readOnly).to.equal(true);
        expect(h.enabled('submit')).to.equal(false);
        expect(h.has('resend')).to.equal(true);
        expect(h.enabled('resend')).to.equal(false);
        expect(h.focusedPart).to.equal('input');
        await expect(el).to.be.accessible();
        await h.untilState('code-sent');
        expect(height()).to.equal(before);
        expect(h.focusedPart).to.equal('input');
        expect(h.input!.readOnly).to.equal(false);
        expect(log).to.deep.equal([
          'Code sent to ••••4754. You can request a new code now.',
          'Sending a new code to ••••4754…',
          'New code sent to ••••4754.',
        ]);
        // The new code works, typed where focus already is.
        await h.type(await sandbox.latestCode(MOBILE));
        await h.untilState('verified');
      });
    }
  });

  describe('3. the countdown is one control', () => {
    let clock: FakeClock;
    beforeEach(() => (clock = installFakeClock()));
    afterEach(() => clock.uninstall());

    it('"Didn’t get a code? Resend in 0:30", the wait as its description, one announcement when it opens', async () => {
      const { el, h } = await mountWithCode({ resendAfter: 30 });
      const resend = h.part<HTMLButtonElement>('resend')!;
      expect(h.text('resend')).to.equal('Resend in 0:30');
      expect(resend.disabled).to.equal(true);
      const prompt = resend.previousElementSibling!;
      expect(prompt.textContent!.trim()).to.equal('Didn’t get a code?');
      // One line: the prompt and the button side by side, nothing else visible about the wait.
      expect(Math.abs(prompt.getBoundingClientRect().top - resend.getBoundingClientRect().top)).to.be.below(resend.offsetHeight);
      const description = el.shadowRoot!.getElementById(resend.getAttribute('aria-describedby')!)!;
      expect(description.textContent).to.equal('You can request a new code in 30 seconds.');
      expect(description.contains(h.part('countdown'))).to.equal(true);
      expect(description.getBoundingClientRect().width).to.be.at.most(1); // for screen readers only
      expect(h.countdown).to.equal(30);
      // The seconds are never in a live region: nothing is announced each second.
      expect(h.part('countdown')!.closest('[aria-live], [role="status"], [role="alert"]')).to.equal(null);
      await expect(el).to.be.accessible();

      const log = h.statusLog();
      await clock.tick(29_000);
      expect(h.text('resend')).to.equal('Resend in 0:01');
      expect(log).to.deep.equal(['Code sent to ••••4754.']);
      await clock.tick(1000);
      expect(log).to.deep.equal(['Code sent to ••••4754.', 'Code sent to ••••4754. You can request a new code now.']);
      expect(h.text('resend')).to.equal('Resend code');
      expect(resend.disabled).to.equal(false);
      expect(resend.hasAttribute('aria-describedby')).to.equal(false);
      expect(h.has('countdown')).to.equal(false);
      await clock.tick(10_000);
      expect(log).to.have.length(2); // said once
      await expect(el).to.be.accessible();
    });

    it('counts minutes too: a 120 s Retry-After reads "Resend in 2:00" and the countdown part 120', async () => {
      const { h, sandbox } = await mountWithCode({ resendAfter: 1 });
      await sandbox.fault({ path: 'otp/generate', type: 'code', code: 1534, headers: { 'Retry-After': '120' } });
      await clock.tick(1000);
      await h.click('resend');
      await h.untilState('error');
      expect(h.text('resend')).to.equal('Resend in 2:00');
      expect(h.countdown).to.equal(120);
      const log = h.statusLog();
      await clock.tick(120_000);
      expect(log.at(-1)).to.equal('Code sent to ••••4754. You can request a new code now.');
      expect(h.enabled('resend')).to.equal(true);
    });
  });

  describe('4. focus never falls to the page', () => {
    it('goes to "Send a new code" when an expired session removes the field', async () => {
      const clock = installFakeClock();
      try {
        const { h, sandbox } = await mountWithCode();
        await sandbox.advanceClock(16 * 60_000);
        await clock.tick(16 * 60_000);
        await h.type(await sandbox.latestCode(MOBILE));
        await h.untilState('error');
        expect(h.has('input')).to.equal(false);
        expect(h.focusedPart).to.equal('retry');
        expect(h.text('retry')).to.equal('Send a new code');
      } finally {
        clock.uninstall();
      }
    });

    for (const cancelable of [true, false]) {
      it(`goes to ${cancelable ? '"Sign in again"' : 'the message (no way out is offered)'} after too many wrong codes`, async () => {
        const { h, sandbox } = await mountWithCode({ cancelable });
        await sandbox.config({ maxWrongAttempts: 1 });
        await h.type(wrongOf(await sandbox.latestCode(MOBILE)));
        await h.untilState('error');
        expect(h.errorText).to.contain('sign in again');
        expect(h.has('input')).to.equal(false);
        expect(h.focusedPart).to.equal(cancelable ? 'cancel' : 'error');
        if (cancelable) expect(h.text('cancel')).to.equal('Sign in again');
        await expect(h.el).to.be.accessible();
      });
    }

    it('stays in the field when Resend is refused (rate limited)', async () => {
      const clock = installFakeClock();
      try {
        const { h, sandbox } = await mountWithCode({ resendAfter: 1 });
        await sandbox.fault({ path: 'otp/generate', type: 'code', code: 429 });
        await clock.tick(1000);
        h.part('resend')!.focus();
        await h.click('resend');
        await h.untilState('error');
        expect(h.errorText).to.contain('wait');
        expect(h.focusedPart).to.equal('input');
      } finally {
        clock.uninstall();
      }
    });

    it('goes to the field when "Try again" after a dropped verify disappears', async () => {
      const { h, sandbox } = await mountWithCode();
      const code = await sandbox.latestCode(MOBILE);
      // Chromium silently re-sends a POST once when a reused connection drops: drop until cleared.
      await sandbox.fault({ path: 'otp/validate', type: 'drop', times: -1 });
      await h.type(code);
      await h.untilState('error');
      h.part('retry')!.focus();
      await sandbox.clearFaults();
      await sandbox.fault({ path: 'otp/validate', type: 'latency', ms: 200 });
      await h.click('retry');
      await h.untilState('verifying');
      expect(h.focusedPart).to.equal('input');
      await h.untilState('verified');
    });
  });

  describe('5. a way out: cancelable, [part~=cancel], mfa-cancel', () => {
    it('is not there without the cancelable attribute', async () => {
      const { h } = await mountWithCode();
      expect(h.has('cancel')).to.equal(false);
    });

    it('from code-sent: "Back" goes to idle, forgets the session, sends nothing and does not start again', async () => {
      const { el, h, sandbox } = await mountWithCode({ cancelable: true });
      const calls = countCalls(el);
      expect(h.text('cancel')).to.equal('Back');
      await expect(el).to.be.accessible();
      const cancelled = h.next('mfa-cancel');
      await h.click('cancel');
      expect((await cancelled).detail).to.deep.equal({ reason: 'user' });
      expect(el.state).to.equal('idle');
      expect(el.sessionId).to.equal(null);
      expect(el.error).to.equal(null);
      expect(h.statusText).to.equal('Waiting for sign-in…');
      expect(h.has('input')).to.equal(false);
      expect(h.eventsNamed('mfa-state-change').at(-1)!.detail).to.deep.equal({ state: 'idle', previousState: 'code-sent' });
      await el.updateComplete;
      expect(el.state).to.equal('idle');
      expect(calls).to.deep.equal([]);
      expect(await sandbox.outbox(MOBILE)).to.have.length(1);
      expect(h.focusedPart).to.equal('cancel'); // it is still there: focus stays on it
    });

    it('while a code is being sent: aborts it, and nothing of it reaches the page afterwards', async () => {
      const sandbox = await newSandbox();
      await sandbox.fault({ path: 'otp/generate', type: 'hang' });
      const { el, h } = await mountFlow({ sandbox, cancelable: true });
      await h.untilState('sending');
      expect(h.has('cancel')).to.equal(true);
      await h.click('cancel');
      expect(el.state).to.equal('idle');
      expect(h.eventsNamed('mfa-cancel')).to.have.length(1);
      await sandbox.clearFaults();
      await el.updateComplete;
      expect(h.eventsNamed('mfa-otp-sent')).to.have.length(0);
      expect(h.eventsNamed('mfa-error')).to.have.length(0);
      // A new start opens a new session and works.
      await el.start();
      expect(el.state).to.equal('code-sent');
    });

    it('after too many wrong codes: "Sign in again" with reason "restart"', async () => {
      const { el, h, sandbox } = await mountWithCode({ cancelable: true });
      await sandbox.config({ maxWrongAttempts: 1 });
      await h.type(wrongOf(await sandbox.latestCode(MOBILE)));
      await h.untilState('error');
      const cancelled = h.next('mfa-cancel');
      await h.click('cancel');
      expect((await cancelled).detail.reason).to.equal('restart');
      expect(el.state).to.equal('idle');
    });

    it('while idle (no token yet) and after a config error, but not once verified', async () => {
      const { el, h } = await mountFlow({ cancelable: true, token: false });
      expect(h.text('cancel')).to.equal('Back');
      await h.click('cancel');
      expect(h.eventsNamed('mfa-cancel').map((e) => e.detail.reason)).to.deep.equal(['user']);
      expect(h.eventsNamed('mfa-state-change')).to.have.length(0);

      await el.start(); // no token: a config error
      expect(el.state).to.equal('error');
      await el.updateComplete;
      await h.click('cancel');
      expect(el.state).to.equal('idle');

      const ok = await mountWithCode({ cancelable: true });
      await ok.h.type(await ok.sandbox.latestCode(MOBILE));
      await ok.h.untilState('verified');
      expect(ok.h.has('cancel')).to.equal(false);
    });
  });

  describe('7. only a code error marks the field invalid', () => {
    it('a wrong code does; a 500 and a rate limit do not', async () => {
      const { h, sandbox } = await mountWithCode();
      const code = await sandbox.latestCode(MOBILE);
      await h.type(wrongOf(code));
      await h.untilState('code-sent');
      await waitUntil(() => h.has('error'));
      expect(h.input!.getAttribute('aria-invalid')).to.equal('true');
      expect(h.input!.getAttribute('aria-describedby')).to.contain('error');

      await sandbox.fault({ path: 'otp/validate', type: 'http', status: 500 });
      await h.type(code);
      await h.untilState('error');
      expect(h.errorText).to.contain('trouble');
      expect(h.input!.getAttribute('aria-invalid')).to.equal('false');
      expect(h.input!.getAttribute('aria-describedby')).to.not.contain('error');
      expect(getComputedStyle(h.input!).borderColor).to.not.equal(getComputedStyle(h.part('error')!).color);
    });

    it('a rate-limited resend leaves the field as it was', async () => {
      const clock = installFakeClock();
      try {
        const { h, sandbox } = await mountWithCode({ resendAfter: 1 });
        await sandbox.fault({ path: 'otp/generate', type: 'code', code: 429 });
        await clock.tick(1000);
        await h.click('resend');
        await h.untilState('error');
        expect(h.has('error')).to.equal(true);
        expect(h.input!.getAttribute('aria-invalid')).to.equal('false');
      } finally {
        clock.uninstall();
      }
    });
  });

  describe('8. digits of any script', () => {
    it('typed in Arabic-Indic digits: read as ASCII, sent, verified', async () => {
      const { el, h, sandbox } = await mountWithCode();
      const code = await sandbox.latestCode(MOBILE);
      const submitted = fieldWhenSubmitted(h);
      const verified = h.next('mfa-verified');
      await h.type(inScript(code, 0x660));
      await verified;
      expect(await submitted).to.equal(code);
      expect(el.state).to.equal('verified');
    });

    for (const [script, zero] of [
      ['Persian', 0x6f0],
      ['full-width', 0xff10],
      ['Devanagari', 0x966],
      ['Bengali', 0x9e6],
    ] as const) {
      it(`pasted in ${script} digits inside a message: read as ASCII and verified`, async () => {
        const { h, sandbox } = await mountWithCode();
        const code = await sandbox.latestCode(MOBILE);
        const submitted = fieldWhenSubmitted(h);
        await h.paste(`Code: ${inScript(code.slice(0, 3), zero)} ${inScript(code.slice(3), zero)}`);
        await h.untilState('verified');
        expect(await submitted).to.equal(code);
      });
    }

    it('counts only digits toward the length: letters, spaces and dashes typed between them do not submit', async () => {
      const { el, h } = await mountWithCode();
      await h.type('١٢-٣٤ a٥');
      expect(h.input!.value).to.equal('12345');
      expect(el.state).to.equal('code-sent');
      expect(h.eventsNamed('mfa-state-change').map((e) => e.detail.state)).to.not.include('verifying');
    });

    it('verify() takes native digits too', async () => {
      const { el, sandbox } = await mountWithCode();
      await el.verify(inScript(await sandbox.latestCode(MOBILE), 0x6f0));
      expect(el.state).to.equal('verified');
    });
  });

  describe('9. numeric properties', () => {
    it('read back as numbers when set through attributes, and a malformed one is still a config error', async () => {
      const el = await fixture<MfaOtpFlow>(
        html`<mfa-otp-flow manual brand="Bukl" identifier-value=${MOBILE} otp-length="4" resend-after="45" timeout="5000"></mfa-otp-flow>`,
      );
      expect(el.otpLength).to.equal(4);
      expect(el.resendAfter).to.equal(45);
      expect(el.timeout).to.equal(5000);
      el.removeAttribute('otp-length');
      expect(el.otpLength).to.equal(6);

      const sandbox = await newSandbox();
      el.baseUrl = sandbox.baseUrl;
      el.authorizedToken = await sandbox.mintToken();
      const calls = countCalls(el);
      el.setAttribute('otp-length', 'abc');
      expect(el.otpLength).to.be.NaN;
      await el.start();
      expect(el.error).to.include({ step: 'config', code: 'config' });
      expect(el.error!.message).to.contain('otp-length');
      expect(calls).to.deep.equal([]);
      el.setAttribute('otp-length', '6');
      await el.start();
      expect(el.state).to.equal('code-sent');
    });
  });

  describe('11. no first-factor token', () => {
    it('says "Waiting for sign-in…" until authorizedToken is set, then sends the code', async () => {
      const { el, h, token } = await mountFlow({ token: false });
      expect(h.statusText).to.equal('Waiting for sign-in…');
      expect(h.has('input')).to.equal(false);
      await expect(el).to.be.accessible();
      el.authorizedToken = token;
      await h.untilState('code-sent');
      expect(h.statusText).to.not.contain('Waiting');
    });
  });

  it('has no axe violations with the way out shown while idle', async () => {
    const el = await fixture<MfaOtpFlow>(html`<mfa-otp-flow manual cancelable brand="Bukl" identifier-value=${MOBILE}></mfa-otp-flow>`);
    const h = new FlowHarness(el);
    expect(h.has('cancel')).to.equal(true);
    await expect(el).to.be.accessible();
  });
});
