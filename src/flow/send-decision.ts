// Whether to send a code, decided from what this browser has stored of the customer's session
// (continuity-store.ts), and what to store after the answer. Pure: no I/O, no clock of its own;
// the controller takes the browser's turn, reads the record, asks here, and acts.
import type { ApiError } from '../api/types.js';
import { isResumable, type SessionRecord } from './continuity-store.js';
import { MAX_RETRY_AFTER_MS } from './flow-error.js';
import type { Session } from './machine.js';

/**
 * Without a Retry-After header we cannot know the vendor's window: the first refusal waits a minute,
 * each refusal in a row twice as long as the one before, up to 15 minutes.
 */
export const RATE_LIMIT_FALLBACK_MS = 60_000;
export const RATE_LIMIT_MAX_BACKOFF_MS = 15 * 60_000;

/** The wait after the (refusals + 1)th refusal in a row: Retry-After when given (at most an hour), else the backoff. */
export function rateLimitWait(retryAfterMs: number | undefined, refusals: number): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return Math.min(RATE_LIMIT_FALLBACK_MS * 2 ** Math.min(refusals, 10), RATE_LIMIT_MAX_BACKOFF_MS);
}

export type SendDecision =
  /** Another element or tab of this browser sent the code (or a resend) first: take its session up. */
  | { type: 'adopt'; record: SessionRecord }
  /** The vendor refused a code for this customer moments ago; asking again would only lengthen the wait. */
  | { type: 'refused'; error: ApiError; retryAt: number }
  /** Send; `record` is what to store while the code is on its way, `resendAt` its deadline. */
  | { type: 'send'; record: SessionRecord; resendAt: number };

/**
 * What to do about sending code number `sent + 1` of `session`, given what is stored (`record`).
 * A first send may take up another live session of this customer's (`mayAdopt`); a resend only the
 * same session's newer code.
 */
export function decideSend(
  record: SessionRecord | null,
  session: Session,
  sent: number,
  mayAdopt: boolean,
  now: number,
  resendAfterMs: number,
): SendDecision {
  const same = record?.sessionId === session.sessionId;
  if (isResumable(record, now) && (same ? record.sent > sent : mayAdopt)) return { type: 'adopt', record };
  if (record && record.retryAt > now) {
    const error: ApiError = { step: 'otp', kind: 'rate-limited', code: record.refusalCode || 429, message: 'Rate limited: a code was refused moments ago', retryable: false };
    return { type: 'refused', error, retryAt: record.retryAt };
  }
  const resendAt = now + resendAfterMs;
  return { type: 'send', resendAt, record: { ...fresh(session), sent: sent + 1, resendAt } };
}

/**
 * What to store once the vendor refused the code for its rate limit, and until when to wait: the
 * refusals in a row (kept across sessions of the same customer) drive the backoff.
 */
export function afterRefusal(
  previous: SessionRecord | null,
  session: Session,
  sent: number,
  error: ApiError,
  now: number,
): { record: SessionRecord; retryAt: number } {
  const refusals = previous?.refusals ?? 0;
  const retryAt = now + rateLimitWait(error.retryAfterMs, refusals);
  const resendAt = previous?.sessionId === session.sessionId ? previous.resendAt : 0;
  const refusalCode = typeof error.code === 'number' ? error.code : 429;
  return { retryAt, record: { ...fresh(session), sent, resendAt, refusals: refusals + 1, retryAt, refusalCode, refusedAt: now } };
}

const fresh = (session: Session) => ({ sessionId: session.sessionId, openedAt: session.openedAt, refusals: 0, retryAt: 0, refusalCode: 0, refusedAt: 0 });
