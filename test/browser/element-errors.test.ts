// Failures the customer can recover from, and the ones they cannot: what they see, what the page hears.
import { expect } from '@open-wc/testing';
import { installFakeClock } from '../support/fake-clock.js';
import { goOffline, MOBILE, mountFlow, mountWithCode } from '../support/harness.js';

describe('<mfa-otp-flow> errors', () => {
  it('offers a retry after a 500 at token generate and succeeds once the fault is gone', async () => {
    const { newSandbox } = await import('../support/emulator-client.js');
    const sandbox = await newSandbox();
    await sandbox.fault({ path: 'token/generate', type: 'http', status: 500 });
    const { el, h } = await mountFlow({ sandbox });
    const { detail } = await h.next('mfa-error');
    expect(detail).to.include({ step: 'token', code: 500, httpStatus: 500, retryable: true, kind: 'server' });
    await h.untilState('error');
    expect(h.errorText).to.contain('trouble');
    expect(el.sessionId).to.equal(null);
    await h.click('retry');
    await h.untilState('code-sent');
    expect(await sandbox.outbox(MOBILE)).to.have.length(1);
  });

  it('keeps the session and the typed code through a dropped connection at verify, and the retry verifies them', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const session = el.sessionId;
    const code = await sandbox.latestCode(MOBILE);
    // Chromium silently re-sends a POST once when a reused connection drops: drop until cleared.
    await sandbox.fault({ path: 'otp/validate', type: 'drop', times: -1 });
    const error = h.next('mfa-error');
    await h.type(code);
    const { detail } = await error;
    expect(detail).to.include({ step: 'verify', code: 'network', retryable: true });
    await h.untilState('error');
    expect(h.input!.value).to.equal(code);
    expect(el.sessionId).to.equal(session);
    expect(h.errorText).to.contain('couldn’t reach');
    await expect(el).to.be.accessible();
    await sandbox.clearFaults();
    const verified = h.next('mfa-verified');
    await h.click('retry');
    await verified;
    expect(el.state).to.equal('verified');
  });

  it('times out a slow answer with a clear message and a working retry', async () => {
    const { el, h, sandbox } = await mountWithCode({ timeout: 400 });
    const code = await sandbox.latestCode(MOBILE);
    await sandbox.fault({ path: 'otp/validate', type: 'hang' });
    const error = h.next('mfa-error');
    await h.type(code);
    expect((await error).detail).to.include({ step: 'verify', code: 'timeout', retryable: true });
    await h.untilState('error');
    expect(h.errorText).to.contain('too long');
    expect(h.input!.value).to.equal(code);
    await h.click('retry');
    await h.untilState('verified');
    expect(el.error).to.equal(null);
  });

  it('reports an unreadable 200 answer as invalid-response and recovers on resend', async () => {
    const clock = installFakeClock();
    try {
        const { h, sandbox } = await mountWithCode({ resendAfter: 1 });
        await clock.tick(1000);
        await sandbox.fault({ path: 'otp/generate', type: 'non-json' });
        const error = h.next('mfa-error');
        await h.click('resend');
        expect((await error).detail).to.include({ step: 'otp', code: 'invalid-response', retryable: true });
        await h.untilState('error');
        expect(h.errorText).to.contain('unexpected');
        const sent = h.next('mfa-otp-sent');
        await h.click('retry');
        expect((await sent).detail.attempt).to.equal(2);
    } finally {
      clock.uninstall();
    }
  });

  it('explains an expired session and reopens the chain with the same first-factor token', async () => {
    const clock = installFakeClock();
    try {
      const { el, h, sandbox } = await mountWithCode();
      const oldSession = el.sessionId;
      const code = await sandbox.latestCode(MOBILE);
      await sandbox.advanceClock(16 * 60_000);
      await clock.tick(16 * 60_000);
      const error = h.next('mfa-error');
      await h.type(code);
      expect((await error).detail).to.include({ step: 'verify', code: 1505, retryable: false, kind: 'session-expired' });
      await h.untilState('error');
      expect(h.errorText).to.contain('session expired');
      expect(h.has('input')).to.equal(false);
      expect(h.text('retry')).to.equal('Send a new code');
      const sent = h.next('mfa-otp-sent');
      await h.click('retry');
      const { detail } = await sent;
      expect(detail.sessionId).to.not.equal(oldSession);
      expect(detail.attempt).to.equal(1);
      await h.untilState('code-sent');
      await h.type(await sandbox.latestCode(MOBILE));
      await h.untilState('verified');
    } finally {
      clock.uninstall();
    }
  });

  it('tells the host to sign in again when the first-factor token is refused on reopen (1529)', async () => {
    const clock = installFakeClock();
    try {
      const { h, sandbox } = await mountWithCode();
      await sandbox.advanceClock(16 * 60_000);
      await clock.tick(16 * 60_000);
      await h.type(await sandbox.latestCode(MOBILE));
      await h.untilState('error');
      await sandbox.fault({ path: 'token/generate', type: 'code', code: 1529 });
      const error = h.next('mfa-error');
      await h.click('retry');
      expect((await error).detail).to.include({ step: 'token', code: 1529, retryable: false, kind: 'reauth-required' });
      await h.untilState('error');
      expect(h.errorText).to.contain('sign in again');
      expect(h.has('retry')).to.equal(false);
    } finally {
      clock.uninstall();
    }
  });

  it('shows integration mismatches plainly with the error code; the vendor’s words go to the page only', async () => {
    const { h, sandbox } = await mountWithCode();
    await sandbox.fault({ path: 'otp/validate', type: 'code', code: 1508, message: 'Device ID differs' });
    const error = h.next('mfa-error');
    await h.type('123456');
    expect((await error).detail.detail).to.contain('Device ID differs');
    await h.untilState('error');
    expect(h.errorText).to.equal('Verification can’t continue because of a problem on this site (error 1508).');
    expect(h.el.shadowRoot!.textContent).to.not.contain('Device ID differs');
    expect(h.el.error).to.include({ code: 1508, retryable: false, kind: 'integration-mismatch' });
    expect(h.has('retry')).to.equal(false);
  });

  it('offline: says so once, submits nothing, and back online the customer continues with what they typed', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const code = await sandbox.latestCode(MOBILE);
    await h.type(code.slice(0, 3));
    const offline = goOffline();
    try {
      await el.updateComplete;
      expect(h.statusText).to.equal('You’re offline. Reconnect to continue.');
      expect(h.has('error')).to.equal(false); // one message, not a grey one and a red one
      expect(h.enabled('submit')).to.equal(false);
      expect(h.enabled('resend')).to.equal(false);
      await expect(el).to.be.accessible();
      await h.type(code.slice(3)); // the last digit: nothing is submitted
      await h.press('Enter');
      await el.updateComplete;
      expect(h.input!.value).to.equal(code);
      expect(el.state).to.equal('code-sent');
      expect(h.eventsNamed('mfa-state-change').map((e) => e.detail.state)).to.not.include('verifying');
      expect(h.eventsNamed('mfa-error')).to.have.length(0);
      expect(h.has('error')).to.equal(false);
      expect(h.input!.getAttribute('aria-invalid')).to.equal('false');
    } finally {
      offline.restore();
    }
    await el.updateComplete;
    // Back online: the message goes by itself, the code is still there, and nothing was sent.
    expect(h.statusText).to.equal('Code sent to ••••4754.');
    expect(h.has('error')).to.equal(false);
    expect(h.input!.value).to.equal(code);
    expect(el.state).to.equal('code-sent');
    expect(h.enabled('submit')).to.equal(true);
    const verified = h.next('mfa-verified');
    await h.click('submit'); // the customer's action
    await verified;
    expect(el.state).to.equal('verified');
  });

  it('offline in the middle of a verify: one message, and back online the field and Verify carry on', async () => {
    const { el, h, sandbox } = await mountWithCode();
    const code = await sandbox.latestCode(MOBILE);
    // Chromium silently re-sends a POST once when a reused connection drops: drop until cleared.
    await sandbox.fault({ path: 'otp/validate', type: 'latency', ms: 300 });
    await sandbox.fault({ path: 'otp/validate', type: 'drop', times: -1 });
    const error = h.next('mfa-error');
    await h.type(code);
    await h.untilState('verifying');
    const offline = goOffline();
    try {
      expect((await error).detail).to.include({ code: 'offline', retryable: true, step: 'verify', kind: 'offline' });
      await h.untilState('error');
      expect(h.statusText).to.equal('You’re offline. Reconnect to continue.');
      expect(h.has('error')).to.equal(false);
      expect(h.input!.value).to.equal(code);
      expect(h.input!.getAttribute('aria-invalid')).to.equal('false');
      expect(h.inputFocused).to.equal(true);
    } finally {
      offline.restore();
    }
    await sandbox.clearFaults();
    await el.updateComplete;
    expect(h.has('error')).to.equal(false);
    expect(h.statusText).to.not.contain('offline');
    expect(h.input!.value).to.equal(code);
    expect(h.eventsNamed('mfa-state-change').at(-1)!.detail.state).to.equal('error'); // nothing sent by itself
    await h.press('Enter');
    await h.untilState('verified');
  });
});
