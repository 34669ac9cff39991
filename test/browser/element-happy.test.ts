import { expect } from '@open-wc/testing';
import { DEVICE_ID_STORAGE_KEY, resetDeviceIdCacheForTests } from '../../src/device/device-id.js';
import { MOBILE, mountFlow, mountWithCode, type FlowHarness } from '../support/harness.js';
import { restoreStoredDeviceId } from '../support/stored-device-id.js';

/** Every text the status line shows from now on, in order, repeats folded. */
function statusTexts(h: FlowHarness): string[] {
  const seen: string[] = [];
  const note = () => {
    const text = h.statusText;
    if (text && seen[seen.length - 1] !== text) seen.push(text);
  };
  new MutationObserver(note).observe(h.el.shadowRoot!, { subtree: true, childList: true, characterData: true });
  note();
  return seen;
}

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
    // The host decides what comes next: the widget does not claim the customer is signed in.
    expect(h.statusText).to.equal('Verified.');
    expect(h.el.shadowRoot!.textContent).to.not.contain('signed in');
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

  describe('the status line while the code is on its way', () => {
    restoreStoredDeviceId();

    it('says "Sending a code to …" from the start on a returning visit: one text until the code is sent', async () => {
      localStorage.setItem(DEVICE_ID_STORAGE_KEY, 'returning-0123456789abcdef');
      resetDeviceIdCacheForTests();
      const { el, h, token } = await mountFlow({ token: false });
      const texts = statusTexts(h);
      el.authorizedToken = token;
      await h.untilState('code-sent');
      await el.updateComplete;
      expect(texts).to.deep.equal(['Waiting for sign-in…', 'Sending a code to ••••4754…', 'Code sent to ••••4754.']);
    });

    it('says "Preparing" only while a first visit works out the device ID', async () => {
      localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
      let fingerprinted!: (id: string) => void;
      resetDeviceIdCacheForTests({ fingerprint: () => new Promise((resolve) => (fingerprinted = resolve)) });
      const { el, h, token } = await mountFlow({ token: false });
      const texts = statusTexts(h);
      el.authorizedToken = token;
      await h.untilState('starting');
      await el.updateComplete;
      expect(h.statusText).to.equal('Preparing verification…');
      fingerprinted('first-visit-0123456789abcdef');
      await h.untilState('code-sent');
      await el.updateComplete;
      expect(texts).to.deep.equal(['Waiting for sign-in…', 'Preparing verification…', 'Sending a code to ••••4754…', 'Code sent to ••••4754.']);
      expect(el.deviceId).to.equal('first-visit-0123456789abcdef');
    });
  });
});
