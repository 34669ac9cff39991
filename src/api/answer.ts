// Reads Capillary's answers: zod/mini schemas for the shapes, the error table for the codes. No I/O,
// no DOM.
import { errorFromCode, errorFromHttpStatus, redact, transportError } from './errors.js';
import { statusCode } from './status-codes.js';
import { AuthSuccessSchema, OtpSuccessSchema, StatusEnvelopeSchema } from './schemas.js';
import type { ApiRequest, RawAnswer } from './transport.js';
import type { ApiResult, ApiStep, AuthSuccess, TransportCode } from './types.js';

/** `undefined` means the answer does not fit; a box so that `void` successes can be told apart. */
type Parse<T> = (json: unknown) => { value: T } | undefined;

const authSuccess = (json: unknown): { value: AuthSuccess } | undefined => {
  const parsed = AuthSuccessSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { auth, user } = parsed.data;
  return { value: { token: auth.token, key: auth.key, user } };
};

/** How each step's success is read. */
const PARSE: Record<ApiStep, Parse<unknown>> = {
  token: (json) => {
    const auth = authSuccess(json)?.value;
    return auth && { value: { ...auth, sessionId: auth.user.sessionId } };
  },
  // otp/generate carries nothing but the envelope.
  otp: (json) => (OtpSuccessSchema.safeParse(json).success ? { value: undefined } : undefined),
  verify: authSuccess,
};

/**
 * What an answer means for its request: the success value, or an ApiError whose message carries
 * none of the request's secrets.
 */
export function readAnswer<T>(request: Pick<ApiRequest<T>, 'step' | 'secrets'>, raw: RawAnswer): ApiResult<T> {
  const { step, secrets } = request;
  if (raw.failed === undefined) {
    return classify(step, PARSE[step] as Parse<T>, secrets, raw.status, raw.json, raw.retryAfter);
  }
  if (raw.failed === 'no-response') return invalid(step, undefined, 'fetch did not return a Response');
  if (raw.failed === 'too-large') return invalid(step, raw.status, 'The answer is larger than any Capillary answer (over 64 KB)');
  const detail = raw.failed === 'network' && raw.detail !== undefined ? redact(raw.detail, secrets) : undefined;
  return fail(step, raw.failed, raw.status, detail);
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return finiteMs(Number(text) * 1000);
  // The three HTTP date forms all start with a day name and carry hh:mm:ss. Checked first because
  // Date.parse alone accepts far more (in Chromium '-5' is the year 5 BC).
  if (!HTTP_DATE.test(text)) return undefined;
  return finiteMs(Math.max(0, Date.parse(text) - now));
}

const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? .*\b\d{2}:\d{2}:\d{2}\b/;
const finiteMs = (ms: number) => (Number.isFinite(ms) ? ms : undefined);

/**
 * Classifies an answer. A failure is a non-2xx status or `status.success === false`, whatever the
 * body; the body's code is used when it has one (and it is not a 2xx echo), else the HTTP status.
 */
function classify<T>(
  step: ApiStep,
  parse: Parse<T>,
  secrets: string[],
  status: number,
  json: unknown,
  retryAfter: string | null,
): ApiResult<T> {
  const ok = status >= 200 && status <= 299;
  const envelope = StatusEnvelopeSchema.safeParse(json);
  const st = envelope.success ? envelope.data.status : undefined;
  if (!ok || st?.success === false) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    const code = st && st.success !== true && st.code !== undefined ? Number(st.code) : undefined;
    const message = st?.message === undefined ? undefined : redact(st.message, secrets);
    // A proxy's own refusal often echoes its HTTP status as the body's code (502, 504…): that is
    // an HTTP status, not one of the vendor's codes, and is classified (and retried) as one.
    const echo = code === status && statusCode(code) === undefined;
    if (code !== undefined && !echo && (code < 200 || code > 299)) {
      return { ok: false, error: errorFromCode(step, code, status, message, retryAfterMs) };
    }
    if (!ok) return { ok: false, error: errorFromHttpStatus(step, status, retryAfterMs) };
    return invalid(step, status, 'The answer reports a failure without a status code');
  }
  const parsed = parse(json);
  if (!parsed) {
    const what = json === undefined ? 'is not JSON' : 'does not have the documented shape';
    return invalid(step, status, `The answer ${what}`);
  }
  return { ok: true, value: parsed.value };
}

const invalid = (step: ApiStep, status: number | undefined, message: string) =>
  ({ ok: false, error: transportError(step, 'invalid-response', message, status) }) as const;

const fail = (step: ApiStep, kind: TransportCode, status?: number, message?: string) =>
  ({ ok: false, error: transportError(step, kind, message, status) }) as const;
