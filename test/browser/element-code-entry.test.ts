// Typing, pasting and submitting the code, and what a wrong code does.
import { expect } from '@open-wc/testing';
import { DEFAULT_STRINGS } from '../../src/strings/strings.js';
import { MOBILE, mountWithCode } from '../support/harness.js';

describe('<mfa-otp-flow> code entry', () => {
  it('renders one real one-time-code field with a visible label and maxlength = otp-length', async () => {
    const { h } = await mountWithCode({ otpLength: 8 });
    const input = h.input!;
    expect(input.getAttribute('autocomplete')).to.equal('one-time-code');
    expect(input.getAttribute('inputmode')).to.equal('numeric');
    expect(input.maxLength).to.equal(8);
    expect(input.labels![0]!.textContent!.trim()).to.equal('Verification code');
    expect(input.labels![0]!.getBoundingClientRect().height).to.be.greaterThan(0);
  });

  it('keeps only the digits of a pasted message and submits the full code by itself', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const code = await sandbox.latestCode(MOBILE);
    const verified = h.next('mfa-verified');
    await h.paste(`Your code is ${code.slice(0, 3)} ${code.slice(3)}.`);
    expect(h.input!.value).to.equal(code);
    await verified;
    expect(el.state).to.equal('verified');
  });

  it('does not submit a partial paste, and tells the customer when Enter is pressed too early', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const code = await sandbox.latestCode(MOBILE);
    await h.paste(code.slice(0, 4));
    expect(h.input!.value).to.equal(code.slice(0, 4));
    expect(el.state).to.equal('code-sent');
    await h.press('Enter');
    await el.updateComplete;
    expect(h.errorText).to.contain('Enter all 6 digits');
    expect(h.input!.getAttribute('aria-invalid')).to.equal('true');
    expect(el.state).to.equal('code-sent');
    expect(h.eventsNamed('mfa-error')).to.have.length(0); // a local hint, not a failure
  });

  it('ignores letters typed into the field', async () => {
    const { h } = await mountWithCode();
    await h.type('12ab3');
    expect(h.input!.value).to.equal('123');
  });

  it('submits with Enter and with the button, and does not resubmit when a full code is edited', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const code = await sandbox.latestCode(MOBILE);
    const wrong = code === '000000' ? '111111' : '000000';
    await h.type(wrong); // auto-submits once
    await h.untilState('code-sent');
    await h.untilState('code-sent');
    expect(h.eventsNamed('mfa-error')).to.have.length(1);
    // Field cleared by the wrong code; now type a full code and submit with Enter explicitly.
    await h.type(code.slice(0, 5));
    expect(el.state).to.equal('code-sent');
    const verified = h.next('mfa-verified');
    await h.type(code.slice(5));
    await verified;
  });

  it('shows a wrong code, clears the field, keeps focus and the session, and the right code then works', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const session = el.sessionId;
    const code = await sandbox.latestCode(MOBILE);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const error = h.next('mfa-error');
    await h.type(wrong);
    const { detail } = await error;
    expect(detail).to.include({ step: 'verify', code: 1506, retryable: true, kind: 'invalid-code' });
    await el.updateComplete;
    expect(el.state).to.equal('code-sent');
    expect(el.error).to.include({ code: 1506 });
    expect(h.errorText).to.contain('isn’t right');
    expect(h.input!.value).to.equal('');
    expect(h.inputFocused).to.equal(true);
    expect(el.sessionId).to.equal(session);
    await expect(el).to.be.accessible();

    const verified = h.next('mfa-verified');
    await h.type(code);
    await verified;
    expect(el.error).to.equal(null);
  });

  it('links the error to the field and re-announces a repeated error', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const code = await sandbox.latestCode(MOBILE);
    const wrong = code === '000000' ? '111111' : '000000';
    await h.type(wrong);
    await h.untilState('code-sent');
    await el.updateComplete;
    const first = h.part('error')!.firstElementChild;
    expect(h.part('error')!.getAttribute('role')).to.equal('alert');
    expect(h.input!.getAttribute('aria-describedby')).to.contain('error');
    expect(h.part('error')!.id).to.equal('error');
    const again = h.next('mfa-error');
    await h.type(wrong);
    await again;
    await h.untilState('code-sent');
    // Same text, new node: screen readers announce an alert when its content is re-inserted.
    expect(h.part('error')!.firstElementChild === first).to.equal(false);
  });

  it("shows the host's text for an API error, with its placeholders filled", async () => {
    const { el, h, sandbox } = await mountWithCode();
    el.strings = { errorInvalidCode: 'Code incorrect : {code}.' };
    const code = await sandbox.latestCode(MOBILE);
    const error = h.next('mfa-error');
    await h.type(code === '000000' ? '111111' : '000000');
    expect((await error).detail.message).to.equal('Code incorrect : 1506.');
    await el.updateComplete;
    expect(h.errorText).to.equal('Code incorrect : 1506.');
  });

  it('shows an error already on screen in the new language when the strings change, and the old text no more', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const code = await sandbox.latestCode(MOBILE);
    const error = h.next('mfa-error');
    await h.type(code === '000000' ? '111111' : '000000');
    await error;
    await el.updateComplete;
    expect(h.errorText).to.equal(DEFAULT_STRINGS.errorInvalidCode);
    el.strings = { errorInvalidCode: 'Ce code n’est pas le bon.' };
    await el.updateComplete;
    expect(h.errorText).to.equal('Ce code n’est pas le bon.');
    expect(el.error?.message).to.equal('Ce code n’est pas le bon.');
  });

  it('ends with a sign-in-again error after too many wrong codes, and offers no retry', async () => {
    const { el, h, sandbox } = await mountWithCode();
    await sandbox.config({ maxWrongAttempts: 2 });
    const code = await sandbox.latestCode(MOBILE);
    const wrong = code === '000000' ? '111111' : '000000';
    await h.type(wrong);
    await h.untilState('code-sent');
    const final = h.next('mfa-error');
    await h.type(wrong);
    const { detail } = await final;
    expect(detail).to.include({ step: 'verify', code: 1518, retryable: false, kind: 'attempts-exhausted' });
    await h.untilState('error');
    expect(h.errorText).to.contain('sign in again');
    expect(h.has('input')).to.equal(false);
    expect(h.has('retry')).to.equal(false);
    expect(h.has('resend')).to.equal(false);
    await el.verify(code); // does nothing: the session is over
    expect(el.state).to.equal('error');
  });

  it('in mode send stops once the code is sent and verify() does nothing', async () => {
    const { el, h, sandbox } = await mountWithCode({ mode: 'send' });
    expect(h.has('input')).to.equal(false);
    expect(h.statusText).to.contain('Code sent to ••••4754');
    const calls = h.eventsNamed('mfa-state-change').length;
    await el.verify(await sandbox.latestCode(MOBILE));
    expect(el.state).to.equal('code-sent');
    expect(h.eventsNamed('mfa-state-change')).to.have.length(calls);
    expect(h.eventsNamed('mfa-verified')).to.have.length(0);
  });

  it('keeps the digits in reading order in a right-to-left page', async () => {
    document.documentElement.dir = 'rtl';
    try {
      const { h } = await mountWithCode();
      await h.type('123');
      expect(getComputedStyle(h.input!).direction).to.equal('ltr');
      expect(h.input!.value).to.equal('123');
    } finally {
      document.documentElement.dir = '';
    }
  });
});
