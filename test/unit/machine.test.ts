/// <reference types="node" />
// The pure state machine, without the element or any I/O.
import { expect } from 'chai';
import { describe, it } from 'node:test';
import type { FlowError } from '../../src/flow/flow-error.js';
import {
  IDLE,
  canResend,
  canStart,
  canVerify,
  recoveryFor,
  transition,
  type FlowState,
  type Session,
} from '../../src/flow/machine.js';

const session: Session = {
  sessionId: 'P-1',
  deviceId: 'dev',
  identity: { identifierType: 'MOBILE', identifierValue: '18795774754', deviceId: 'dev', brand: 'Bukl' },
  openedAt: 0,
};
const err = (over: Partial<FlowError>): FlowError => ({
  step: 'otp',
  code: 500,
  kind: 'server',
  retryable: true,
  detail: 'd',
  ...over,
});
const codeSent = (resendAt = 1000): FlowState => ({ status: 'code-sent', session, sent: 1, resendAt, error: null });

describe('flow machine', () => {
  it('walks idle → starting → sending → code-sent → verifying → verified', () => {
    let s = transition(IDLE, { type: 'start' });
    expect(s.status).to.equal('starting');
    s = transition(s, { type: 'opened', session });
    expect(s).to.include({ status: 'sending', sent: 0 });
    s = transition(s, { type: 'sent', resendAt: 5000 });
    expect(s).to.include({ status: 'code-sent', sent: 1, resendAt: 5000 });
    s = transition(s, { type: 'verify' });
    expect(s.status).to.equal('verifying');
    s = transition(s, { type: 'verified', result: { token: 't', key: null, user: { appRegistered: false, sessionId: 'P-1', role: 'USER', userRegisteredForPassword: false } } });
    expect(s.status).to.equal('verified');
  });

  it('ignores events that do not fit the state (same object back)', () => {
    expect(transition(IDLE, { type: 'verify' })).to.equal(IDLE);
    expect(transition(IDLE, { type: 'sent', resendAt: 1 })).to.equal(IDLE);
    const sent = codeSent();
    expect(transition(sent, { type: 'start' })).to.equal(sent);
    expect(transition(sent, { type: 'verified', result: {} as never })).to.equal(sent);
  });

  it('keeps code-sent with the error on a wrong code, and goes to error on anything else', () => {
    const verifying = transition(codeSent(), { type: 'verify' });
    const wrong = transition(verifying, { type: 'failed', error: err({ step: 'verify', kind: 'invalid-code', code: 1506 }), fallbackResendAt: 0 });
    expect(wrong.status).to.equal('code-sent');
    expect(canVerify(wrong)).to.equal(true);
    const down = transition(verifying, { type: 'failed', error: err({ step: 'verify' }), fallbackResendAt: 0 });
    expect(down.status).to.equal('error');
    expect(canVerify(down)).to.equal(true); // retry keeps the session and the code
    expect(recoveryFor(down)).to.equal('retry-verify');
  });

  it('closes resend until Retry-After or the fallback when rate limited', () => {
    const sending = transition(codeSent(0), { type: 'send' });
    const limited = transition(sending, { type: 'failed', error: err({ kind: 'rate-limited', code: 429, retryable: false, retryAt: 9000 }), fallbackResendAt: 4000 });
    expect(canResend(limited, 8999)).to.equal(false);
    expect(canResend(limited, 9000)).to.equal(true);
    const guessed = transition(sending, { type: 'failed', error: err({ kind: 'rate-limited', code: 1534, retryable: false }), fallbackResendAt: 4000 });
    expect(canResend(guessed, 3999)).to.equal(false);
    expect(canResend(guessed, 4000)).to.equal(true);
    expect(recoveryFor(guessed)).to.equal('resend');
  });

  it('does not resend during the cooldown and does after it', () => {
    expect(canResend(codeSent(1000), 999)).to.equal(false);
    expect(canResend(codeSent(1000), 1000)).to.equal(true);
  });

  it('reopens an expired session from the start, and nothing else from a dead session', () => {
    const expired = transition(codeSent(), { type: 'failed', error: err({ kind: 'session-expired', code: 1505, retryable: false }), fallbackResendAt: 0 });
    expect(recoveryFor(expired)).to.equal('reopen');
    expect(canStart(expired)).to.equal(true);
    expect(canResend(expired, 1e12)).to.equal(false);
    expect(canVerify(expired)).to.equal(false);
    for (const kind of ['attempts-exhausted', 'reauth-required', 'integration-mismatch'] as const) {
      const dead = transition(codeSent(), { type: 'failed', error: err({ kind, retryable: false }), fallbackResendAt: 0 });
      expect([canStart(dead), canResend(dead, 1e12), canVerify(dead), recoveryFor(dead)], kind).to.deep.equal([false, false, false, null]);
    }
  });

  it('starts again after a config error, since the inputs are checked anew', () => {
    const config = transition(IDLE, { type: 'failed', error: err({ step: 'config', kind: 'config', code: 'config', retryable: false }), fallbackResendAt: 0 });
    expect(config.status).to.equal('error');
    expect(canStart(config)).to.equal(true);
    expect(transition(config, { type: 'start' }).status).to.equal('starting');
  });

  it('takes up a live session from starting or sending, with its count and deadline, and from nothing else', () => {
    const resumed = { type: 'resumed', session, sent: 2, resendAt: 7000 } as const;
    expect(transition({ status: 'starting' }, resumed)).to.deep.equal({ status: 'code-sent', session, sent: 2, resendAt: 7000, error: null });
    expect(transition({ status: 'sending', session, sent: 0, resendAt: null }, resumed)).to.include({ status: 'code-sent', sent: 2 });
    expect(transition(IDLE, resumed)).to.equal(IDLE);
    const sent = codeSent();
    expect(transition(sent, resumed)).to.equal(sent);
  });

  it('falls back to the last state that needs no request when interrupted', () => {
    expect(transition({ status: 'starting' }, { type: 'interrupted' }).status).to.equal('idle');
    expect(transition({ status: 'sending', session, sent: 0, resendAt: null }, { type: 'interrupted' }).status).to.equal('idle');
    expect(transition({ status: 'sending', session, sent: 2, resendAt: 5 }, { type: 'interrupted' })).to.include({ status: 'code-sent', sent: 2 });
    expect(transition(transition(codeSent(), { type: 'verify' }), { type: 'interrupted' }).status).to.equal('code-sent');
  });

  it('offers a retry that matches the failed step', () => {
    const at = (step: FlowError['step']) => recoveryFor({ status: 'error', error: err({ step }), session: null, sent: 0, resendAt: null });
    expect([at('token'), at('otp'), at('verify')]).to.deep.equal(['retry-start', 'retry-send', 'retry-verify']);
    expect(recoveryFor({ status: 'error', error: err({ retryable: false, kind: 'bad-input' }), session: null, sent: 0, resendAt: null })).to.equal(null);
  });
});
