// One POST to Capillary: headers, timeout, abort, body read. No DOM, no zod. What came back is
// returned raw, and answer.ts reads it. The two are apart so that the element can send its first
// request while the chunk with zod (answer.ts) is still loading: on a returning visit nothing else
// stands between the element connecting and the request leaving.
import type { ApiStep, CallOptions, TransportCode } from './types.js';

export const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_TIMER_MS = 2_147_483_647;
/**
 * Capillary's answers are a few hundred bytes. Anything over this is not one of them, and reading
 * it whole would cost the page (a 100 MB answer blocked the main thread for 2.7 s): it is cut off
 * and reported as an unreadable answer.
 */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** A call ready to go; `T` is the type of its success, read from the answer by answer.ts. */
export interface ApiRequest<T> {
  step: ApiStep;
  path: 'token/generate' | 'otp/generate' | 'otp/validate';
  body: Record<string, string>;
  /** Values that must never appear in an error message (tokens, the typed code). */
  secrets: string[];
  /** Only carries `T`; never set. */
  readonly success?: T;
}

/** What one POST produced: an HTTP answer of any status, or no usable answer at all. */
export type RawAnswer =
  | { status: number; json: unknown; retryAfter: string | null; failed?: undefined }
  | { failed: Exclude<TransportCode, 'invalid-response'> | 'no-response' | 'too-large'; status?: number; detail?: string };

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
 * Sends one request; resolves, never rejects. `request` is a function so that building a malformed
 * request (a value whose toString throws) is caught here too.
 */
export async function send(opts: CallOptions, request: () => ApiRequest<unknown>): Promise<RawAnswer> {
  const controller = new AbortController();
  const forward = () => controller.abort();
  let callerSignal: AbortSignal | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  let status: number | undefined;
  try {
    const { body, path } = request();
    callerSignal = opts?.signal;
    if (callerSignal?.aborted) return { failed: 'aborted' };
    callerSignal?.addEventListener('abort', forward, { once: true });
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutOf(opts));
    const stop = abortion(controller.signal);
    const url = String(opts.baseUrl ?? '').replace(/\/+$/, '') + '/auth/v1/mfa/' + path;
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
    if (typeof response?.status !== 'number' || typeof response.text !== 'function') return { failed: 'no-response' };
    status = response.status;
    const retryAfter = response.headers?.get('Retry-After') ?? null;
    const text = await race(readCapped(response), stop);
    if (text === null) return { failed: 'too-large', status };
    return { status, json: readJson(text), retryAfter };
  } catch (cause) {
    if (callerSignal?.aborted) return { failed: 'aborted', status };
    if (timedOut) return { failed: 'timeout', status };
    return { failed: 'network', status, detail: describe(cause) };
  } finally {
    clearTimeout(timer);
    try {
      callerSignal?.removeEventListener('abort', forward);
    } catch {
      // a signal-like object without listeners: nothing was added
    }
  }
}

/** The body as text, or null when it is larger than MAX_ANSWER_BYTES (the rest is not read). */
async function readCapped(response: Response): Promise<string | null> {
  const declared = Number(response.headers?.get?.('Content-Length'));
  const body = response.body;
  if (declared > MAX_ANSWER_BYTES) {
    void body?.cancel().catch(() => undefined);
    return null;
  }
  if (!body || typeof body.getReader !== 'function') {
    const text = await response.text(); // an injected fetch's plain object: it has the text already
    return text.length > MAX_ANSWER_BYTES ? null : text;
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      void reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** The cause's own words; answer.ts redacts them before they reach anyone. */
function describe(cause: unknown): string | undefined {
  try {
    return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
  } catch {
    return undefined;
  }
}
