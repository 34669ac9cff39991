// The pure parts of the element: the state → view function and the digits of any script, without
// rendering anything.
import { expect } from '@open-wc/testing';
import type { FlowError } from '../../src/flow/flow-error.js';
import type { FlowState, Session } from '../../src/flow/machine.js';
import { asciiDigits, digitsOnly, digitValue } from '../../src/element/digits.js';
import { clockText, viewOf, type ViewInput } from '../../src/element/view.js';

const session: Session = {
  sessionId: 'P-1',
  deviceId: 'dev',
  identity: { identifierType: 'MOBILE', identifierValue: '18795774754', deviceId: 'dev', brand: 'Bukl' },
};
const err = (over: Partial<FlowError>): FlowError => ({ step: 'verify', code: 500, kind: 'server', retryable: true, detail: 'd', ...over });
const input = (state: FlowState, over: Partial<ViewInput> = {}): ViewInput => ({
  state,
  now: 0,
  offline: false,
  mode: 'verify',
  otpLength: 6,
  destination: '••••4754',
  deviceIdKnown: true,
  hint: null,
  cancelable: true,
  ...over,
});
const codeSent = (error: FlowError | null = null, resendAt = 30_000): FlowState => ({ status: 'code-sent', session, sent: 1, resendAt, error });
const failed = (error: FlowError, sent = 1): FlowState => ({ status: 'error', error, session, sent, resendAt: 0 });

describe('view', () => {
  it('writes the wait as m:ss', () => {
    expect([0, 5, 28, 60, 75, 120, 3600].map(clockText)).to.deep.equal(['0:00', '0:05', '0:28', '1:00', '1:15', '2:00', '60:00']);
  });

  it('keeps the field, read-only, while a resend is in flight, and not before the first code', () => {
    const resending = viewOf(input({ status: 'sending', session, sent: 1, resendAt: 0 }));
    expect(resending.field).to.include({ readonly: true, submitDisabled: true });
    expect(resending.status!.text.key).to.equal('resending');
    expect(resending.resend).to.include({ disabled: true });
    expect(viewOf(input({ status: 'sending', session, sent: 0, resendAt: null })).field).to.equal(null);
    expect(viewOf(input({ ...codeSent(), sent: 2 } as FlowState)).status!.text.key).to.equal('codeResent');
    expect(viewOf(input(codeSent())).status!.text.key).to.equal('codeSent');
  });

  it('marks the field invalid for a code error only', () => {
    expect(viewOf(input(codeSent(err({ kind: 'invalid-code', code: 1506 })))).field!.invalid).to.equal(true);
    expect(viewOf(input(failed(err({ kind: 'server' })))).field!.invalid).to.equal(false);
    expect(viewOf(input(failed(err({ kind: 'rate-limited', step: 'otp', retryable: false, code: 429 })))).field!.invalid).to.equal(false);
    expect(viewOf(input(failed(err({ kind: 'offline', code: 'offline' })))).field!.invalid).to.equal(false);
  });

  it('says offline once (the status), never as an alert, and does not submit by itself offline', () => {
    const offline = viewOf(input(failed(err({ kind: 'offline', code: 'offline' })), { offline: true }));
    expect(offline.status!.text.key).to.equal('offline');
    expect(offline.alert).to.equal(null);
    expect(offline.field!.autoSubmit).to.equal(false);
    const back = viewOf(input(failed(err({ kind: 'offline', code: 'offline' }))));
    expect(back.alert).to.equal(null);
    expect(back.field).to.include({ autoSubmit: true, submitDisabled: false });
    expect(viewOf(input(codeSent())).field!.autoSubmit).to.equal(true);
  });

  it('offers "Sign in again" only when a new sign-in is the only help, "Back" otherwise, nothing once verified', () => {
    const reason = (state: FlowState) => viewOf(input(state)).cancel?.reason ?? null;
    expect(reason(failed(err({ kind: 'attempts-exhausted', code: 1518, retryable: false })))).to.equal('restart');
    expect(reason(failed(err({ kind: 'reauth-required', code: 1525, step: 'token', retryable: false }), 0))).to.equal('restart');
    expect(reason(failed(err({ kind: 'session-expired', code: 1505, retryable: false })))).to.equal('user');
    expect(reason(codeSent())).to.equal('user');
    expect(reason({ status: 'idle' })).to.equal('user');
    expect(reason({ status: 'verified', session, sent: 1, result: { token: 't', key: null, user: {} as never } })).to.equal(null);
    expect(viewOf(input(codeSent(), { cancelable: false })).cancel).to.equal(null);
  });

  it('shows the vendor’s words nowhere: an integration error is a string key and the code', () => {
    const view = viewOf(input(failed(err({ kind: 'integration-mismatch', code: 1508, detail: 'Device ID differs', retryable: false }))));
    expect(view.alert).to.deep.equal({ text: { key: 'errorIntegration', values: { code: '1508', detail: 'Device ID differs' } } });
  });

  it('announces that resend is open only once a cooldown has ended', () => {
    expect(viewOf(input(codeSent(null, 30_000), { now: 1000 })).announce).to.equal(null);
    expect(viewOf(input(codeSent(null, 30_000), { now: 30_000 })).announce!.key).to.equal('resendReady');
    expect(viewOf(input(codeSent(null, 30_000), { now: 30_000, offline: true })).announce).to.equal(null);
  });

  it('keeps "Code sent" in an error that leaves the code usable, and nothing when none is', () => {
    expect(viewOf(input(failed(err({ kind: 'rate-limited', step: 'otp', code: 429, retryable: false })))).status!.text.key).to.equal('codeSent');
    expect(viewOf(input(failed(err({ kind: 'server', step: 'otp' }), 0))).status).to.equal(null);
    expect(viewOf(input(failed(err({ kind: 'attempts-exhausted', code: 1518, retryable: false })))).status).to.equal(null);
  });

  it('says "Waiting for sign-in…" while idle', () => {
    expect(viewOf(input({ status: 'idle' })).status!.text.key).to.equal('waiting');
  });
});

describe('digits of any script', () => {
  const scripts: Array<[string, number]> = [
    ['ASCII', 0x30],
    ['Arabic-Indic', 0x660],
    ['Extended Arabic-Indic (Persian)', 0x6f0],
    ['Devanagari', 0x966],
    ['Bengali', 0x9e6],
    ['full-width', 0xff10],
    ['mathematical bold', 0x1d7ce],
    ['mathematical double-struck (touches bold)', 0x1d7d8],
    ['mathematical monospace (end of a 50-long run)', 0x1d7f6],
  ];
  for (const [name, zero] of scripts) {
    it(`reads ${name} 0–9 as 0–9`, () => {
      const digits = Array.from({ length: 10 }, (_, i) => String.fromCodePoint(zero + i));
      expect(digits.map(digitValue)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(asciiDigits(digits.join(''))).to.equal('0123456789');
    });
  }

  it('keeps only digits, and is no digit for letters, other numbers or marks', () => {
    expect(digitsOnly('Your code: ١٢٣-۴۵۶ ok')).to.equal('123456');
    expect(['a', 'Ⅻ', '½', '²', ' ', '-', '٫'].map(digitValue)).to.deep.equal([null, null, null, null, null, null, null]);
    expect(asciiDigits('١٢a')).to.equal('12a');
  });
});
