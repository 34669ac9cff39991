// Accessibility in every state, keyboard reachability, strings, masking and WebOTP.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { MfaOtpFlow } from '../../src/element/mfa-otp-flow.js';
import { installFakeClock } from '../support/fake-clock.js';
import { FlowHarness, MOBILE, mountFlow, mountWithCode } from '../support/harness.js';

describe('<mfa-otp-flow> accessibility, strings, WebOTP', () => {
  it('has no axe violations while idle, starting, code-sent, rate limited, verified and in a config error', async () => {
    const idle = await mountFlow({ manual: true });
    await expect(idle.el).to.be.accessible();

    const slow = await mountFlow({ manual: true });
    await slow.sandbox.fault({ path: 'token/generate', type: 'latency', ms: 400 });
    const started = slow.el.start();
    await slow.h.untilState('starting');
    await expect(slow.el).to.be.accessible();
    await started;
    expect(slow.el.state).to.equal('code-sent');

    const clock = installFakeClock();
    try {
      const { el, h, sandbox } = await mountWithCode({ resendAfter: 1 });
      await expect(el).to.be.accessible();
      await sandbox.fault({ path: 'otp/generate', type: 'code', code: 429 });
      await clock.tick(1000);
      await h.click('resend');
      await h.untilState('error');
      await expect(el).to.be.accessible();
      await h.type(await sandbox.latestCode(MOBILE));
      await h.untilState('verified');
      await expect(el).to.be.accessible();
    } finally {
      clock.uninstall();
    }

    const bad = await mountFlow({ identifierValue: 'nope', manual: true });
    await bad.el.start();
    await bad.el.updateComplete;
    expect(bad.el.state).to.equal('error');
    await expect(bad.el).to.be.accessible();
  });

  it('is reachable by Tab from a focusable element before it, and usable with the keyboard only', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div><button id="before">before</button></div>`);
    const { el, h, sandbox } = await mountWithCode();
    wrapper.append(el);
    await h.untilState('code-sent');
    wrapper.querySelector<HTMLButtonElement>('#before')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(h.inputFocused).to.equal(true);
    await sendKeys({ type: await sandbox.latestCode(MOBILE) });
    await h.untilState('verified');
  });

  it('uses overridden strings and masks an email identifier', async () => {
    const { el, h } = await mountWithCode({ identifierType: 'EMAIL', identifierValue: 'jane.doe@example.com' });
    el.strings = { codeSent: 'Code envoyé à {destination}.', submit: 'Vérifier' };
    await el.updateComplete;
    expect(h.statusText).to.equal('Code envoyé à j•••@example.com.');
    expect(h.text('submit')).to.equal('Vérifier');
    expect(h.text('resend')).to.equal('Resend in 0:30'); // not overridden: English default
    expect(el.shadowRoot!.innerHTML).to.not.contain('jane.doe');
  });

  it('fills and verifies the code the browser offers through WebOTP, and aborts the request when removed', async () => {
    const calls: Array<{ signal?: AbortSignal }> = [];
    let offer: (code: string) => void = () => undefined;
    const w = window as unknown as { OTPCredential?: unknown };
    const original = navigator.credentials.get;
    w.OTPCredential = function OTPCredential() {};
    navigator.credentials.get = ((options: { signal?: AbortSignal }) => {
      calls.push(options);
      return new Promise((resolve) => (offer = (code) => resolve({ code, id: '', type: 'otp' } as unknown as Credential)));
    }) as typeof navigator.credentials.get;
    try {
      const { el, h, sandbox } = await mountWithCode();
      expect(calls).to.have.length(1);
      const verified = h.next('mfa-verified');
      offer(await sandbox.latestCode(MOBILE));
      await verified;
      expect(el.state).to.equal('verified');

      const second = await mountWithCode();
      expect(calls).to.have.length(2);
      second.el.remove();
      expect(calls[1]!.signal!.aborted).to.equal(true);
    } finally {
      navigator.credentials.get = original;
      delete w.OTPCredential;
    }
  });

  it('reflects state to the attribute before each mfa-state-change reaches listeners', async () => {
    const el = await fixture<MfaOtpFlow>(html`<mfa-otp-flow manual brand="Bukl" identifier-value="x"></mfa-otp-flow>`);
    const h = new FlowHarness(el);
    const seen: string[] = [];
    el.addEventListener('mfa-state-change', (e) => seen.push(`${e.detail.state}=${el.getAttribute('state')}`));
    expect(el.getAttribute('state')).to.equal('idle');
    await el.start(); // no token: a config error
    expect(seen).to.deep.equal(['error=error']);
    el.reset();
    expect(seen).to.deep.equal(['error=error', 'idle=idle']);
    expect(h.eventsNamed('mfa-error')).to.have.length(1);
  });
});
