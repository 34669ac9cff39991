// The three Capillary MFA calls. No DOM: fetch, AbortController and Headers only.
// Every function resolves to an ApiResult and never throws or rejects, whatever the input or answer.
import { ERROR_CODES, errorFromCode, errorFromHttpStatus, redact, transportError } from './errors.js';
import { AuthSuccessSchema, OtpSuccessSchema, StatusEnvelopeSchema } from './schemas.js';
import type {
  ApiResult,
  ApiStep,
  AuthSuccess,
  CallOptions,
  Identity,
  OtpRequest,
  TokenRequest,
  TransportCode,
  ValidateRequest,
} from './types.js';

export const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_TIMER_MS = 2_147_483_647;

/** `undefined` means the answer does not fit; a box so that `void` successes can be told apart. */
type Parse<T> = (json: unknown) => { value: T } | undefined;

interface Call<T> {
  step: ApiStep;
  path: string;
  parse: Parse<T>;
  /** Builds the body; runs inside the guard so that a malformed request cannot throw. */
  request: () => { body: Record<string, string>; secrets: string[] };
}

const identity = (req: Identity) => ({
  identifierType: String(req.identifierType),
  identifierValue: String(req.identifierValue),
  deviceId: String(req.deviceId),
  brand: String(req.brand),
});

const authSuccess = (json: unknown): { value: AuthSuccess } | undefined => {
  const parsed = AuthSuccessSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { auth, user } = parsed.data;
  return { value: { token: auth.token, key: auth.key, user } };
};

export function generateToken(
  req: TokenRequest,
  opts: CallOptions,
): Promise<ApiResult<AuthSuccess & { sessionId: string }>> {
  return post(opts, {
    step: 'token',
    path: 'token/generate',
    parse: (json) => {
      const auth = authSuccess(json)?.value;
      return auth && { value: { ...auth, sessionId: auth.user.sessionId } };
    },
    request: () => ({
      body: { ...identity(req), authorizedToken: String(req.authorizedToken) },
      secrets: [String(req.authorizedToken)],
    }),
  });
}

/** Sends (or re-sends) the code. Success carries nothing the flow needs. */
export function generateOtp(req: OtpRequest, opts: CallOptions): Promise<ApiResult<void>> {
  return post(opts, {
    step: 'otp',
    path: 'otp/generate',
    parse: (json) => (OtpSuccessSchema.safeParse(json).success ? { value: undefined } : undefined),
    request: () => ({ body: { ...identity(req), sessionId: String(req.sessionId) }, secrets: [] }),
  });
}

export function validateOtp(req: ValidateRequest, opts: CallOptions): Promise<ApiResult<AuthSuccess>> {
  return post(opts, {
    step: 'verify',
    path: 'otp/validate',
    parse: authSuccess,
    request: () => ({
      body: { ...identity(req), sessionId: String(req.sessionId), otp: String(req.otp) },
      secrets: [String(req.otp)],
    }),
  });
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

function buildHeaders(extra: CallOptions['headers']): Headers {
  const headers = new Headers();
  if (extra && typeof extra === 'object') {
    for (const [name, value] of Object.entries(extra)) headers.set(name, String(value));
  }
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  // The body is JSON whatever the caller says: a proxy must not be told otherwise.
  headers.set('Content-Type', 'application/json');
  return headers;
}

function timeoutOf(opts: CallOptions): number {
  const ms = opts.timeoutMs;
  return typeof ms === 'number' && ms > 0 ? Math.min(ms, MAX_TIMER_MS) : DEFAULT_TIMEOUT_MS;
}

/**
 * Rejects once `signal` aborts. Racing against it keeps the timeout and the caller's abort effective
 * even when an injected fetch ignores its signal.
 */
function abortion(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new DOMException('aborted', 'AbortError'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

function race<T>(work: Promise<T>, stop: Promise<never>): Promise<T> {
  // The loser of the race must not surface as an unhandled rejection.
  work.catch(() => {});
  stop.catch(() => {});
  return Promise.race([work, stop]);
}

function readJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Classifies an answer. A failure is a non-2xx status or `status.success === false`, whatever the
 * body; the body's code is used when it has one (and it is not a 2xx echo), else the HTTP status.
 */
function classify<T>(
  call: Call<T>,
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
    const code = st && st.success !== true ? st.code : undefined;
    const message = st?.message === undefined ? undefined : redact(st.message, secrets);
    // A proxy's own refusal often echoes its HTTP status as the body's code (502, 504…): that is
    // an HTTP status, not one of the vendor's codes, and is classified (and retried) as one.
    const echo = code === status && !(code in ERROR_CODES);
    if (code !== undefined && !echo && (code < 200 || code > 299)) {
      return { ok: false, error: errorFromCode(call.step, code, status, message, retryAfterMs) };
    }
    if (!ok) return { ok: false, error: errorFromHttpStatus(call.step, status, retryAfterMs) };
    return invalid(call.step, status, 'The answer reports a failure without a status code');
  }
  const parsed = call.parse(json);
  if (!parsed) {
    const what = json === undefined ? 'is not JSON' : 'does not have the documented shape';
    return invalid(call.step, status, `The answer ${what}`);
  }
  return { ok: true, value: parsed.value };
}

const invalid = (step: ApiStep, status: number | undefined, message: string) =>
  ({ ok: false, error: transportError(step, 'invalid-response', message, status) }) as const;

/** The one request path of the three calls. */
async function post<T>(opts: CallOptions, call: Call<T>): Promise<ApiResult<T>> {
  const controller = new AbortController();
  const forward = () => controller.abort();
  let callerSignal: AbortSignal | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  let status: number | undefined;
  let secrets: string[] = [];
  try {
    const { body, secrets: hidden } = call.request();
    secrets = hidden;
    callerSignal = opts?.signal;
    if (callerSignal?.aborted) return fail(call.step, 'aborted');
    callerSignal?.addEventListener('abort', forward, { once: true });
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutOf(opts));
    const stop = abortion(controller.signal);
    const url = String(opts.baseUrl ?? '').replace(/\/+$/, '') + '/auth/v1/mfa/' + call.path;
    const init: RequestInit = {
      method: 'POST',
      headers: buildHeaders(opts.headers),
      body: JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
    };
    // Called as a plain function (no `this`); globalThis.fetch is looked up now, not at import.
    const fetchImpl = typeof opts.fetch === 'function' ? opts.fetch : globalThis.fetch;
    const response = await race(
      new Promise<Response>((resolve) => resolve(fetchImpl(url, init))),
      stop,
    );
    if (typeof response?.status !== 'number' || typeof response.text !== 'function') {
      return invalid(call.step, undefined, 'fetch did not return a Response');
    }
    status = response.status;
    const retryAfter = response.headers?.get('Retry-After') ?? null;
    const text = await race(response.text(), stop);
    return classify(call, secrets, status, readJson(text), retryAfter);
  } catch (cause) {
    if (callerSignal?.aborted) return fail(call.step, 'aborted', status);
    if (timedOut) return fail(call.step, 'timeout', status);
    return fail(call.step, 'network', status, describe(cause, secrets));
  } finally {
    clearTimeout(timer);
    try {
      callerSignal?.removeEventListener('abort', forward);
    } catch {
      // a signal-like object without listeners: nothing was added
    }
  }
}

const fail = (step: ApiStep, kind: TransportCode, status?: number, message?: string) =>
  ({ ok: false, error: transportError(step, kind, message, status) }) as const;

function describe(cause: unknown, secrets: string[]): string | undefined {
  try {
    return cause instanceof Error ? redact(`${cause.name}: ${cause.message}`, secrets) : undefined;
  } catch {
    return undefined;
  }
}
