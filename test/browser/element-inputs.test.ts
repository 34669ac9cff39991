// Inputs are checked when the flow starts: malformed ones send no request and say what is wrong.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { MfaOtpFlow } from '../../src/element/mfa-otp-flow.js';
import { newSandbox } from '../support/emulator-client.js';
import { FlowHarness } from '../support/harness.js';

interface Attrs {
  brand?: string;
  type?: string;
  value?: string;
  otpLength?: string;
  mode?: string;
  resendAfter?: string;
}

async function mount(attrs: Attrs, baseUrl: string) {
  const el = await fixture<MfaOtpFlow>(html`<mfa-otp-flow
    manual
    base-url=${baseUrl}
    brand=${attrs.brand ?? 'Bukl'}
    identifier-type=${attrs.type ?? 'MOBILE'}
    identifier-value=${attrs.value ?? '18795774754'}
    otp-length=${attrs.otpLength ?? '6'}
    resend-after=${attrs.resendAfter ?? '30'}
    mode=${attrs.mode ?? 'verify'}
  ></mfa-otp-flow>`);
  const calls: string[] = [];
  el.fetch = (input, init) => {
    calls.push(String(input));
    return fetch(input, init);
  };
  return { el, h: new FlowHarness(el), calls };
}

describe('<mfa-otp-flow> input checks', () => {
  const malformed: Array<[string, Attrs, RegExp]> = [
    ['no brand', { brand: '' }, /brand/],
    ['an unknown identifier type', { type: 'PHONE' }, /identifier-type/],
    ['an EMAIL that is not an email', { type: 'EMAIL', value: 'jane.example.com' }, /email/],
    ['a MOBILE with letters', { value: '98450abc12' }, /mobile/],
    ['a MOBILE too short', { value: '+91 123' }, /6–15 digits/],
    ['an empty USERNAME', { type: 'USERNAME', value: '   ' }, /non-empty/],
    ['an empty EXTERNALID', { type: 'EXTERNALID', value: '' }, /non-empty/],
    ['a non-numeric otp-length', { otpLength: 'six' }, /otp-length/],
    ['an unknown mode', { mode: 'both' }, /mode/],
    ['a negative resend-after', { resendAfter: '-5' }, /resend-after/],
  ];
  for (const [name, attrs, problem] of malformed) {
    it(`refuses ${name} without sending a request`, async () => {
      const sandbox = await newSandbox();
      const { el, h, calls } = await mount(attrs, sandbox.baseUrl);
      el.authorizedToken = await sandbox.mintToken();
      const error = h.next('mfa-error');
      await el.start();
      const { detail } = await error;
      expect(detail).to.include({ step: 'config', code: 'config', retryable: false });
      expect(detail.message).to.match(problem);
      expect(el.state).to.equal('error');
      await el.updateComplete;
      expect(h.errorText).to.match(problem);
      expect(calls).to.deep.equal([]);
      expect(await sandbox.outbox()).to.deep.equal([]);
    });
  }

  it('refuses start() without a first-factor token', async () => {
    const sandbox = await newSandbox();
    const { el, h, calls } = await mount({}, sandbox.baseUrl);
    await el.start();
    expect(el.error).to.include({ step: 'config' });
    expect(el.error!.message).to.match(/authorizedToken/);
    expect(h.errorText).to.match(/authorizedToken/);
    expect(calls).to.have.length(0);
  });

  it('sends a MOBILE as digits only, tolerates a trailing slash on base-url, and sends other values trimmed', async () => {
    const sandbox = await newSandbox();
    const { el, calls } = await mount({ value: '+91 (984) 501-2345' }, `${sandbox.baseUrl}/`);
    el.authorizedToken = await sandbox.mintToken();
    await el.start();
    expect(el.state).to.equal('code-sent');
    const [message] = await sandbox.outbox();
    expect(message!.identifierValue).to.equal('919845012345');
    expect(calls[0]).to.equal(`${sandbox.baseUrl}/auth/v1/mfa/token/generate`);

    const { el: byEmail } = await mount({ type: 'EMAIL', value: '  jane@example.com ' }, sandbox.baseUrl);
    byEmail.authorizedToken = await sandbox.mintToken();
    await byEmail.start();
    expect(byEmail.state).to.equal('code-sent');
    const messages = await sandbox.outbox('jane@example.com');
    expect(messages).to.have.length(1);
    expect(messages[0]!.channel).to.equal('email');
  });

  it('accepts a well-formed input after a malformed one is fixed', async () => {
    const sandbox = await newSandbox();
    const { el } = await mount({ brand: '' }, sandbox.baseUrl);
    el.authorizedToken = await sandbox.mintToken();
    await el.start();
    expect(el.state).to.equal('error');
    el.brand = 'Bukl';
    await el.start();
    expect(el.state).to.equal('code-sent');
    expect(el.error).to.equal(null);
  });

  it('uses the device-id override in every call, and reports the generated one otherwise', async () => {
    const sandbox = await newSandbox();
    const { el } = await mount({}, sandbox.baseUrl);
    el.deviceId = 'my-device-42';
    el.authorizedToken = await sandbox.mintToken();
    await el.start();
    expect(el.state, JSON.stringify(el.error)).to.equal('code-sent');
    expect(el.deviceId).to.equal('my-device-42');
    const [message] = await sandbox.outbox();
    expect(message!.deviceId).to.equal('my-device-42');
    const code = message!.code;
    await el.verify(code);
    expect(el.state).to.equal('verified');

    const { el: generated } = await mount({}, sandbox.baseUrl);
    generated.authorizedToken = await sandbox.mintToken();
    await generated.start();
    expect(generated.error, JSON.stringify(generated.error)).to.equal(null);
    const messages = await sandbox.outbox();
    expect(generated.deviceId).to.have.length.greaterThan(8);
    expect(messages[messages.length - 1]!.deviceId).to.equal(generated.deviceId);
  });
});
