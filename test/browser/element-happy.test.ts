import { expect } from '@open-wc/testing';
import { MOBILE, mountFlow, mountWithCode } from '../support/harness.js';

describe('<mfa-otp-flow> happy path', () => {
  it('starts by itself once connected with a token, sends the code and verifies what the customer types', async () => {
    const { el, h, sandbox } = await mountFlow();
    const sent = await h.next('mfa-otp-sent');
    expect(sent.detail.attempt).to.equal(1);
    expect(sent.detail.sessionId).to.match(/^P-/);
    expect(sent.detail.deviceId).to.equal(el.deviceId);
    expect(el.deviceId).to.have.length.greaterThan(8);
    expect(el.sessionId).to.equal(sent.detail.sessionId);
    await h.untilState('code-sent');
    expect(el.getAttribute('state')).to.equal('code-sent');
    expect(h.statusText).to.contain('••••4754');
    expect(h.inputFocused).to.equal(true);

    const code = await sandbox.latestCode(MOBILE);
    const verified = h.next('mfa-verified');
    await h.type(code); // the last digit submits by itself
    const { detail } = await verified;
    expect(detail.token).to.be.a('string').and.not.equal('');
    expect(detail.sessionId).to.equal(sent.detail.sessionId);
    expect(detail.user.sessionId).to.equal(sent.detail.sessionId);
    await h.untilState('verified');
    expect(h.statusText).to.contain('Verified');
    expect(h.eventsNamed('mfa-state-change').map((e) => e.detail.state)).to.deep.equal([
      'starting',
      'sending',
      'code-sent',
      'verifying',
      'verified',
    ]);
  });

  it('is accessible in the code-sent state', async () => {
    const { el } = await mountWithCode();
    await expect(el).to.be.accessible();
  });
});
