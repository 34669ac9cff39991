/// <reference types="node" />
// Whether to send a code, from what this browser stored of the customer's session, and what to store
// after a refusal: continuity's decisions without storage, locks or a network.
import { expect } from 'chai';
import { describe, it } from 'node:test';
import type { ApiError } from '../../src/api/types.js';
import type { SessionRecord } from '../../src/flow/continuity-store.js';
import type { Session } from '../../src/flow/machine.js';
import { afterRefusal, decideSend, rateLimitWait } from '../../src/flow/send-decision.js';

const MIN = 60_000;
const session = (sessionId = 'P-new', openedAt = 0): Session => ({
  sessionId,
  deviceId: 'dev',
  identity: { identifierType: 'MOBILE', identifierValue: '18795774754', deviceId: 'dev', brand: 'Bukl' },
  openedAt,
});
const stored = (over: Partial<SessionRecord> = {}): SessionRecord => ({
  sessionId: 'P-old',
  sent: 1,
  resendAt: 30_000,
  openedAt: 0,
  refusals: 0,
  retryAt: 0,
  refusalCode: 0,
  refusedAt: 0,
  ...over,
});
const refusal = (retryAfterMs?: number): ApiError => ({ step: 'otp', kind: 'rate-limited', code: 429, message: 'm', retryable: false, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

describe('deciding whether to send a code', () => {
  it('sends when nothing is stored, and stores the code as sent while it is on its way', () => {
    const decision = decideSend(null, session(), 0, true, 1000, 30_000);
    expect(decision).to.deep.include({ type: 'send', resendAt: 31_000 });
    expect(decision.type === 'send' && decision.record).to.deep.equal({ sessionId: 'P-new', sent: 1, resendAt: 31_000, openedAt: 0, refusals: 0, retryAt: 0, refusalCode: 0, refusedAt: 0 });
  });

  it('takes up another live session of the customer on a first send, but not on a reset (mayAdopt false)', () => {
    expect(decideSend(stored(), session(), 0, true, 1000, 30_000)).to.deep.equal({ type: 'adopt', record: stored() });
    expect(decideSend(stored(), session(), 0, false, 1000, 30_000).type).to.equal('send');
  });

  it('does not take up a session 15 minutes old, nor one in which no code went out', () => {
    expect(decideSend(stored(), session(), 0, true, 15 * MIN, 30_000).type).to.equal('send');
    expect(decideSend(stored({ sent: 0 }), session(), 0, true, 1000, 30_000).type).to.equal('send');
    expect(decideSend(stored(), session(), 0, true, 15 * MIN - 1, 30_000).type).to.equal('adopt');
  });

  it('on a resend, takes up the same session’s newer code (another tab resent), else sends', () => {
    const mine = session('P-old');
    expect(decideSend(stored({ sent: 2 }), mine, 1, false, 1000, 30_000).type).to.equal('adopt');
    expect(decideSend(stored({ sent: 1 }), mine, 1, false, 1000, 30_000)).to.deep.include({ type: 'send' });
  });

  it('refuses without asking while a stored rate-limit wait runs, with the code that was refused', () => {
    const limited = stored({ sent: 0, retryAt: 5000, refusalCode: 1534 });
    const decision = decideSend(limited, session(), 0, true, 4999, 30_000);
    expect(decision).to.deep.include({ type: 'refused', retryAt: 5000 });
    expect(decision.type === 'refused' && decision.error).to.include({ code: 1534, kind: 'rate-limited', retryable: false });
    expect(decideSend(limited, session(), 0, true, 5000, 30_000).type).to.equal('send');
  });
});

describe('the rate-limit wait', () => {
  it('honours Retry-After up to an hour', () => {
    expect(rateLimitWait(90_000, 0)).to.equal(90_000);
    expect(rateLimitWait(99_999_999_999_000, 3)).to.equal(60 * MIN);
    expect(rateLimitWait(0, 5)).to.equal(0);
  });

  it('without Retry-After doubles for each refusal in a row: 1, 2, 4, 8 minutes, then 15', () => {
    expect([0, 1, 2, 3, 4, 5, 40].map((n) => rateLimitWait(undefined, n) / MIN)).to.deep.equal([1, 2, 4, 8, 15, 15, 15]);
    expect(rateLimitWait(Number.NaN, 1)).to.equal(2 * MIN);
  });

  it('counts refusals across sessions of the same customer, and keeps the deadline of the same session only', () => {
    const first = afterRefusal(null, session('P-1'), 0, refusal(), 1000);
    expect(first).to.deep.include({ retryAt: 1000 + MIN });
    expect(first.record).to.include({ sessionId: 'P-1', refusals: 1, refusalCode: 429, refusedAt: 1000, sent: 0, resendAt: 0 });
    const again = afterRefusal(first.record, session('P-2'), 0, refusal(), 2000);
    expect(again.record).to.include({ sessionId: 'P-2', refusals: 2 });
    expect(again.retryAt).to.equal(2000 + 2 * MIN);
    const resend = afterRefusal(stored({ sessionId: 'P-3', resendAt: 7000 }), session('P-3'), 1, refusal(30_000), 9000);
    expect(resend).to.deep.include({ retryAt: 39_000 });
    expect(resend.record).to.include({ resendAt: 7000, sent: 1, refusals: 1 });
  });
});
