/// <reference types="node" />
// The element's pure state → view function, without a browser: which texts, controls and states a
// customer sees for each flow state.
import { expect } from 'chai';
import { describe, it } from 'node:test';
import { ERROR_TEXT, viewOf, type ViewInput } from '../../src/element/view.js';
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
  ...over,
});
const codeSent = (resendAt = 30_000, error: FlowError | null = null): FlowState => ({ status: 'code-sent', session, sent: 1, resendAt, error });

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
