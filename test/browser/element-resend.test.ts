// Resend cooldown, rate limits and the deadline kept across a reload, on a fake clock (no sleeping).
import { expect, fixtureCleanup } from '@open-wc/testing';
import { installFakeClock, type FakeClock } from '../support/fake-clock.js';
import { MOBILE, mountFlow, mountWithCode } from '../support/harness.js';

describe('<mfa-otp-flow> resend and limits', () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = installFakeClock();
  });
  afterEach(() => clock.uninstall());

  it('counts down from resend-after in whole seconds, then offers resend, which restarts it', async () => {
    const { el, h, sandbox } = await mountWithCode({ resendAfter: 30 });
    const resend = () => h.part<HTMLButtonElement>('resend')!;
    expect(h.countdown).to.equal(30);
    expect(resend().disabled).to.equal(true);
    await clock.tick(1000);
    expect(h.countdown).to.equal(29);
    await clock.tick(500);
    expect(h.countdown).to.equal(29); // 28.5 s left rounds up
    await clock.tick(28_499);
    expect(h.countdown).to.equal(1);
    await clock.tick(1);
    expect(h.has('countdown')).to.equal(false);
    expect(resend().disabled).to.equal(false);

    const sent = h.next('mfa-otp-sent');
    await h.click('resend');
    const { detail } = await sent;
    expect(detail.attempt).to.equal(2);
    expect(detail.resendAvailableAt).to.equal(clock.now() + 30_000);
    await h.untilState('code-sent');
    expect(h.countdown).to.equal(30);
    expect(resend().disabled).to.equal(true);
    expect(await sandbox.outbox(MOBILE)).to.have.length(2);
    expect(h.eventsNamed('mfa-state-change').slice(-2).map((e) => e.detail.state)).to.deep.equal(['sending', 'code-sent']);
    expect(el.state).to.equal('code-sent');
  });

  it('sends nothing when resend() is called during the cooldown', async () => {
    const { el, sandbox } = await mountWithCode({ resendAfter: 30 });
    await clock.tick(29_000);
    await el.resend();
    expect(el.state).to.equal('code-sent');
    expect(await sandbox.outbox(MOBILE)).to.have.length(1);
  });

  it('updates the countdown once per second, not more: the m:ss on the button and the seconds it describes', async () => {
    const { el, h } = await mountWithCode({ resendAfter: 10 });
    const changed: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const r of records) changed.push(r.type === 'characterData' ? (r.target.parentElement?.getAttribute('part') ?? '?') : r.type);
    });
    observer.observe(el.shadowRoot!, { subtree: true, characterData: true, childList: true, attributes: true });
    for (let i = 0; i < 5; i++) await clock.tick(1000);
    observer.disconnect();
    expect(h.countdown).to.equal(5);
    expect(h.text('resend')).to.equal('Resend in 0:05');
    // Two text nodes a second, nothing else: no node added or removed, no attribute touched.
    expect(changed).to.deep.equal(Array.from({ length: 5 }, () => ['resend', 'countdown']).flat());
  });

  it('says to wait and closes resend when the server refuses a new code (429 without Retry-After)', async () => {
    const { el, h, sandbox } = await mountWithCode({ resendAfter: 5 });
    await sandbox.config({ otpMaxCount: 1, otpTimeOut: 10 });
    await clock.tick(5000);
    const error = h.next('mfa-error');
    await h.click('resend');
    const { detail } = await error;
    expect(detail).to.include({ step: 'otp', code: 429, retryable: false, kind: 'rate-limited', httpStatus: 429 });
    await h.untilState('error');
    expect(h.errorText).to.contain('wait');
    expect(h.part<HTMLButtonElement>('resend')!.disabled).to.equal(true);
    expect(h.countdown).to.equal(60); // our fallback when the vendor gives no Retry-After
    // The code already sent still works: the field stays.
    const verified = h.next('mfa-verified');
    await h.type(await sandbox.latestCode(MOBILE));
    await verified;
    expect(el.state).to.equal('verified');
  });

  it('uses the Retry-After header of a refusal for the countdown (1534)', async () => {
    const { h, sandbox } = await mountWithCode({ resendAfter: 5 });
    await sandbox.fault({ path: 'otp/generate', type: 'code', code: 1534, headers: { 'Retry-After': '120' } });
    await clock.tick(5000);
    const error = h.next('mfa-error');
    await h.click('resend');
    const { detail } = await error;
    expect(detail).to.include({ code: 1534, retryable: false, kind: 'rate-limited' });
    expect(detail.retryAt).to.equal(clock.now() + 120_000);
    await h.untilState('error');
    expect(h.countdown).to.equal(120);
    await clock.tick(120_000);
    expect(h.part<HTMLButtonElement>('resend')!.disabled).to.equal(false);
    const sent = h.next('mfa-otp-sent');
    await h.click('resend');
    expect((await sent).detail.attempt).to.equal(2);
  });

  it('keeps the countdown across a reload: the new element takes the session up, and its deadline with it', async () => {
    const { h, sandbox } = await mountWithCode({ resendAfter: 30 });
    expect(h.countdown).to.equal(30);
    await clock.tick(10_000);
    fixtureCleanup(); // the page goes away; storage stays, as on a reload

    const again = await mountFlow({ sandbox, resendAfter: 30 });
    await again.h.untilState('code-sent');
    expect(again.h.countdown).to.equal(20);
    expect(again.h.part<HTMLButtonElement>('resend')!.disabled).to.equal(true);
    await clock.tick(20_000);
    expect(again.h.part<HTMLButtonElement>('resend')!.disabled).to.equal(false);
    expect(await sandbox.outbox(MOBILE)).to.have.length(1);
  });

  it('sends at once when the chain is restarted right after a send (reset + start): a new session, no wait', async () => {
    const { el, h, sandbox } = await mountWithCode({ resendAfter: 30 });
    const first = el.sessionId;
    await clock.tick(5000);
    el.reset();
    expect(el.state).to.equal('idle');
    await el.updateComplete;
    expect(h.has('countdown')).to.equal(false);
    const sent = h.next('mfa-otp-sent');
    await el.start();
    expect((await sent).detail.attempt).to.equal(1);
    expect(el.state).to.equal('code-sent');
    expect(el.sessionId).to.not.equal(first);
    expect(h.countdown).to.equal(30);
    expect(await sandbox.outbox(MOBILE)).to.have.length(2);
  });

  it('leaves no timer behind once verified, reset or removed', async () => {
    const a = await mountWithCode();
    expect(clock.pending()).to.equal(1);
    await a.el.verify(await a.sandbox.latestCode(MOBILE));
    expect(a.el.state).to.equal('verified');
    expect(clock.pending()).to.equal(0);

    const b = await mountWithCode();
    expect(clock.pending()).to.equal(1);
    b.el.reset();
    expect(clock.pending()).to.equal(0);

    const c = await mountWithCode();
    expect(clock.pending()).to.equal(1);
    c.el.remove();
    expect(clock.pending()).to.equal(0);
  });
});
