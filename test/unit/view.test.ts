/// <reference types="node" />
// The element's pure state → view function, without a browser: which texts, controls and states a
// customer sees for each flow state.
import { expect } from 'chai';
import { describe, it } from 'node:test';
import { asciiDigits, digitsOnly, digitValue } from '../../src/element/digits.js';
import { ERROR_TEXT, clockText, viewOf, type ViewInput } from '../../src/element/view.js';
import type { FlowError } from '../../src/flow/flow-error.js';
import type { FlowState, Session } from '../../src/flow/machine.js';
import { DEFAULT_STRINGS } from '../../src/strings/strings.js';

const session: Session = {
  sessionId: 'P-1',
  deviceId: 'dev',
  identity: { identifierType: 'MOBILE', identifierValue: '18795774754', deviceId: 'dev', brand: 'Bukl' },
  openedAt: 0,
};
const err = (over: Partial<FlowError>): FlowError => ({ step: 'otp', code: 500, kind: 'server', retryable: true, detail: 'd', ...over });
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
const codeSent = (resendAt = 30_000, error: FlowError | null = null): FlowState => ({ status: 'code-sent', session, sent: 1, resendAt, error });
const sentWith = (error: FlowError | null = null, resendAt = 30_000): FlowState => codeSent(resendAt, error);
const failed = (error: FlowError, sent = 1): FlowState => ({ status: 'error', error, session, sent, resendAt: 0 });

describe('view of a flow state', () => {
  it('shows the field, "Code sent", and a closed resend with its countdown while the cooldown runs', () => {
    const view = viewOf(input(codeSent(), { now: 1_500 }));
    expect(view.status?.text).to.deep.equal({ key: 'codeSent', values: { destination: '••••4754' } });
    expect(view.field).to.include({ readonly: false, invalid: false, submitDisabled: false });
    expect(view.resend).to.include({ disabled: true, secondsLeft: 29 });
    expect(view.alert).to.equal(null);
    expect(view.recovery).to.equal(null);
  });

  it('opens resend once the deadline has passed, and shows no countdown', () => {
    expect(viewOf(input(codeSent(), { now: 30_000 })).resend).to.include({ disabled: false, secondsLeft: 0 });
  });

  it('shows no field in mode send, and none before a code exists', () => {
    expect(viewOf(input(codeSent(), { mode: 'send' })).field).to.equal(null);
    expect(viewOf(input({ status: 'starting' })).field).to.equal(null);
  });

  it('says "Preparing" only while the device ID is unknown', () => {
    expect(viewOf(input({ status: 'starting' }, { deviceIdKnown: false })).status?.text.key).to.equal('starting');
    expect(viewOf(input({ status: 'starting' })).status).to.deep.include({ busy: true, text: { key: 'sending', values: { destination: '••••4754' } } });
  });

  it('keeps the field read-only while verifying, with Verify disabled', () => {
    const verifying: FlowState = { status: 'verifying', session, sent: 1, resendAt: 0 };
    expect(viewOf(input(verifying)).field).to.include({ readonly: true, submitDisabled: true });
  });

  it('marks the field invalid for a wrong code, with the error text, and offers no retry button', () => {
    const view = viewOf(input(codeSent(30_000, err({ step: 'verify', kind: 'invalid-code', code: 1506 }))));
    expect(view.field?.invalid).to.equal(true);
    expect(view.alert?.text.key).to.equal('errorInvalidCode');
    expect(view.recovery).to.equal(null);
  });

  it('offers "Send a new code" for an expired session and "Try again" for a failed send', () => {
    const expired: FlowState = { status: 'error', error: err({ kind: 'session-expired', code: 1505, retryable: false }), session, sent: 1, resendAt: null };
    expect(viewOf(input(expired)).recovery).to.deep.equal({ action: 'reopen', label: { key: 'sendNew', values: {} }, disabled: false });
    const failed: FlowState = { status: 'error', error: err({}), session, sent: 0, resendAt: null };
    expect(viewOf(input(failed)).recovery?.label.key).to.equal('retry');
    expect(viewOf(input(failed, { offline: true })).recovery?.disabled).to.equal(true);
  });

  it('offers nothing to retry after a dead first factor', () => {
    const dead: FlowState = { status: 'error', error: err({ kind: 'reauth-required', code: 1529, retryable: false }), session, sent: 1, resendAt: null };
    const view = viewOf(input(dead));
    expect([view.recovery, view.resend, view.field]).to.deep.equal([null, null, null]);
    expect(view.alert?.text.key).to.equal('errorReauth');
  });

  it('has a text for every error kind, and each is a default string', () => {
    for (const [kind, key] of Object.entries(ERROR_TEXT)) expect(DEFAULT_STRINGS, kind).to.have.property(key);
  });

  it('shows a local hint in the alert rather than the error', () => {
    const view = viewOf(input(codeSent(), { hint: { key: 'incomplete', values: { length: 6 } } }));
    expect(view.alert?.text.key).to.equal('incomplete');
    expect(view.field?.invalid).to.equal(true);
  });

  it('says offline in the status whatever the state', () => {
    expect(viewOf(input(codeSent(), { offline: true })).status?.text.key).to.equal('offline');
    expect(viewOf(input(codeSent(), { offline: false })).status?.text.key).to.equal('codeSent');
  });
});

describe('view of the customer’s journey', () => {
  it('writes the wait as m:ss', () => {
    expect([0, 5, 28, 60, 75, 120, 3600].map(clockText)).to.deep.equal(['0:00', '0:05', '0:28', '1:00', '1:15', '2:00', '60:00']);
  });

  it('keeps the field, read-only, while a resend is in flight, and not before the first code', () => {
    const resending = viewOf(input({ status: 'sending', session, sent: 1, resendAt: 0 }));
    expect(resending.field).to.include({ readonly: true, submitDisabled: true });
    expect(resending.status!.text.key).to.equal('resending');
    expect(resending.resend).to.include({ disabled: true });
    expect(viewOf(input({ status: 'sending', session, sent: 0, resendAt: null })).field).to.equal(null);
    expect(viewOf(input({ ...sentWith(), sent: 2 } as FlowState)).status!.text.key).to.equal('codeResent');
    expect(viewOf(input(sentWith())).status!.text.key).to.equal('codeSent');
  });

  it('marks the field invalid for a code error only', () => {
    expect(viewOf(input(sentWith(err({ kind: 'invalid-code', code: 1506 })))).field!.invalid).to.equal(true);
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
    expect(viewOf(input(sentWith())).field!.autoSubmit).to.equal(true);
  });

  it('offers "Sign in again" only when a new sign-in is the only help, "Back" otherwise, nothing once verified', () => {
    const reason = (state: FlowState) => viewOf(input(state)).cancel?.reason ?? null;
    expect(reason(failed(err({ kind: 'attempts-exhausted', code: 1518, retryable: false })))).to.equal('restart');
    expect(reason(failed(err({ kind: 'reauth-required', code: 1525, step: 'token', retryable: false }), 0))).to.equal('restart');
    expect(reason(failed(err({ kind: 'session-expired', code: 1505, retryable: false })))).to.equal('user');
    expect(reason(sentWith())).to.equal('user');
    expect(reason({ status: 'idle' })).to.equal('user');
    expect(reason({ status: 'verified', session, sent: 1, result: { token: 't', key: null, user: {} as never } })).to.equal(null);
    expect(viewOf(input(sentWith(), { cancelable: false })).cancel).to.equal(null);
  });

  it('shows the vendor’s words nowhere: an integration error is a string key and the code', () => {
    const view = viewOf(input(failed(err({ kind: 'integration-mismatch', code: 1508, detail: 'Device ID differs', retryable: false }))));
    expect(view.alert).to.deep.equal({ text: { key: 'errorIntegration', values: { code: '1508', detail: 'Device ID differs' } } });
  });

  it('announces that resend is open only once a cooldown has ended', () => {
    expect(viewOf(input(sentWith(null, 30_000), { now: 1000 })).announce).to.equal(null);
    expect(viewOf(input(sentWith(null, 30_000), { now: 30_000 })).announce!.key).to.equal('resendReady');
    expect(viewOf(input(sentWith(null, 30_000), { now: 30_000, offline: true })).announce).to.equal(null);
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
