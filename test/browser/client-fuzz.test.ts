// Whatever comes back (status, headers, body, or a transport that misbehaves), every call resolves to
// a well-formed ApiResult: it never throws, never rejects, and never leaks the token or the code.
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import {
  generateOtp,
  generateToken,
  validateOtp,
  type ApiResult,
  type ApiStep,
  type CallOptions,
  type ErrorKind,
  type Identity,
} from '../../src/api/index.js';

const RUNS = 10_000;
const ID: Identity = { identifierType: 'EMAIL', identifierValue: 'a@b.co', deviceId: 'd-1', brand: 'Bukl' };
const TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJmdXp6In0.c2lnbmF0dXJlLWZ1eno';
const OTP = '731905';
const KINDS = new Set<ErrorKind>([
  'rate-limited', 'session-expired', 'code-expired', 'invalid-code', 'attempts-exhausted',
  'reauth-required', 'bad-input', 'integration-mismatch', 'server', 'network', 'timeout', 'aborted',
  'invalid-response',
]);
const TRANSPORT = new Set(['network', 'timeout', 'aborted', 'invalid-response']);
const DOCUMENTED = [429, 1502, 1503, 1504, 1505, 1506, 1507, 1508, 1509, 1515, 1518, 1519, 1525, 1529,
  1534, 1537, 1540, 1541, 1546, 604, 605, 606, 874, 875, 876, 9001];

// ---- what the server says ----
const code = fc.oneof(
  fc.constantFrom(...DOCUMENTED),
  fc.integer({ min: -5, max: 100_000 }),
  fc.constantFrom('1505', ' 429 ', '200', 'abc', '', '1e3'),
  fc.anything(),
);
const status = fc.record(
  { success: fc.oneof(fc.constant(true), fc.boolean(), fc.anything()), code, message: fc.oneof(fc.string(), fc.constant(TOKEN), fc.anything()) },
  { requiredKeys: [] },
);
const authBody = fc.record(
  {
    status,
    auth: fc.record(
      { token: fc.oneof(fc.constant(TOKEN), fc.string(), fc.anything()), key: fc.oneof(fc.constant(null), fc.string(), fc.anything()) },
      { requiredKeys: [] },
    ),
    user: fc.record(
      {
        sessionId: fc.oneof(fc.constant('P-1'), fc.string(), fc.anything()),
        appRegistered: fc.oneof(fc.boolean(), fc.anything()),
        role: fc.oneof(fc.constantFrom('VIEW', 'USER'), fc.anything()),
        userRegisteredForPassword: fc.oneof(fc.boolean(), fc.anything()),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const jsonText = fc.oneof({ weight: 3, arbitrary: authBody }, { weight: 2, arbitrary: fc.record({ status }) }, { weight: 1, arbitrary: fc.jsonValue() }).map((v) => JSON.stringify(v) ?? '');
const bodyText = fc.oneof(
  { weight: 4, arbitrary: jsonText },
  jsonText.chain((t) => fc.nat({ max: t.length }).map((n) => t.slice(0, n))), // truncated
  fc.string(),
  fc.constantFrom('', '<html><body>502 Bad Gateway</body></html>', 'null', '[]', '{"status":null}'),
);
const httpStatus = fc.oneof(
  fc.integer({ min: 200, max: 299 }),
  fc.constantFrom(200, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504),
  fc.integer({ min: 200, max: 599 }),
);
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
  fc.nat().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
);
const headers = fc.dictionary(fc.constantFrom('Retry-After', 'Content-Type', 'X-Request-Id'), headerValue);

// ---- how the transport behaves ----
type Transport =
  | { mode: 'respond'; status: number; body: string; headers: Record<string, string> }
  | { mode: 'throw-sync' | 'reject' | 'garbage' | 'broken-stream'; status: number };
const transport: fc.Arbitrary<Transport> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ mode: fc.constant('respond' as const), status: httpStatus, body: bodyText, headers }) },
  { weight: 1, arbitrary: fc.record({ mode: fc.constantFrom('throw-sync', 'reject', 'garbage', 'broken-stream'), status: httpStatus }) },
);

/** Statuses a Response cannot carry a body with: the fake server sends none. */
const NULL_BODY = [204, 205, 304];

function fetchFor(t: Transport): typeof fetch {
  return ((_url: string, _init: RequestInit) => {
    switch (t.mode) {
      case 'throw-sync':
        throw new TypeError(`sync failure with ${TOKEN} ${OTP}`);
      case 'reject':
        return Promise.reject(new Error(`rejected ${TOKEN} ${OTP}`));
      case 'garbage':
        return Promise.resolve({ status: 'x' });
      case 'broken-stream':
        return Promise.resolve(
          new Response(new ReadableStream({ start: (c) => c.error(new Error(`reset ${TOKEN}`)) }), { status: t.status }),
        );
      default: {
        const nullBody = NULL_BODY.includes(t.status);
        return Promise.resolve(new Response(nullBody ? null : t.body, { status: t.status, headers: t.headers }));
      }
    }
  }) as unknown as typeof fetch;
}

/** The code the body carries, read independently of the client (only for non-2xx answers). */
function bodyCode(body: string): number | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const st = (json as { status?: { success?: unknown; code?: unknown } } | null)?.status;
  if (typeof st !== 'object' || st === null || Array.isArray(st) || st.success === true) return undefined;
  const c = st.code;
  const n = typeof c === 'number' && Number.isInteger(c) && c >= 0 && c <= 999_999_999 ? c : typeof c === 'string' && /^\s*\d{1,9}\s*$/.test(c) ? Number(c) : undefined;
  return n !== undefined && (n < 200 || n > 299) ? n : undefined;
}

function checkWellFormed(result: ApiResult<unknown>, step: ApiStep, t: Transport): void {
  expect(result).to.be.an('object');
  if (result.ok) {
    expect(t.mode).to.equal('respond');
    expect(t.status).to.be.within(200, 299);
    if (step === 'otp') {
      expect(result.value).to.equal(undefined);
      return;
    }
    const v = result.value as { token: unknown; key: unknown; user: Record<string, unknown>; sessionId?: unknown };
    expect(v.token).to.be.a('string').that.is.not.empty;
    expect(v.key === null || typeof v.key === 'string').to.equal(true);
    expect(v.user.sessionId).to.be.a('string').that.is.not.empty;
    expect(typeof v.user.appRegistered).to.equal('boolean');
    expect(typeof v.user.role).to.equal('string');
    expect(typeof v.user.userRegisteredForPassword).to.equal('boolean');
    if (step === 'token') expect(v.sessionId).to.equal(v.user.sessionId);
    return;
  }
  const e = result.error;
  expect(Object.keys(result).sort()).to.deep.equal(['error', 'ok']);
  expect(e.step).to.equal(step);
  expect(KINDS.has(e.kind), e.kind).to.equal(true);
  expect(typeof e.retryable).to.equal('boolean');
  expect(e.message).to.be.a('string').that.is.not.empty;
  expect(e.message).not.to.include(TOKEN);
  if (step === 'verify') expect(e.message).not.to.include(OTP);
  if (typeof e.code === 'string') {
    expect(TRANSPORT.has(e.code)).to.equal(true);
    expect(e.kind).to.equal(e.code);
  } else {
    expect(Number.isInteger(e.code)).to.equal(true);
  }
  if (e.retryAfterMs !== undefined) expect(Number.isFinite(e.retryAfterMs) && e.retryAfterMs >= 0).to.equal(true);
  if (t.mode === 'respond') {
    expect(e.httpStatus).to.equal(t.status);
    const ok2xx = t.status >= 200 && t.status <= 299;
    const carried = NULL_BODY.includes(t.status) ? undefined : bodyCode(t.body);
    if (!ok2xx) expect(e.code).to.equal(carried ?? t.status);
    if (ok2xx && typeof e.code === 'string') expect(e.code).to.equal('invalid-response');
  } else if (t.mode !== 'broken-stream') {
    expect(e.httpStatus).to.equal(undefined);
  }
}

const CALLS: [ApiStep, (opts: CallOptions) => Promise<ApiResult<unknown>>][] = [
  ['token', (opts) => generateToken({ ...ID, authorizedToken: TOKEN }, opts)],
  ['otp', (opts) => generateOtp({ ...ID, sessionId: 'P-1' }, opts)],
  ['verify', (opts) => validateOtp({ ...ID, sessionId: 'P-1', otp: OTP }, opts)],
];

describe('Capillary client under arbitrary answers', function () {
  this.timeout(60_000);

  for (const [step, call] of CALLS) {
    it(`${step}: ${RUNS} answers, each a well-formed result`, async () => {
      let failures = 0;
      let successes = 0;
      await fc.assert(
        fc.asyncProperty(transport, async (t) => {
          const result = await call({ baseUrl: 'https://example.invalid/', fetch: fetchFor(t) });
          checkWellFormed(result, step, t);
          if (result.ok) successes += 1;
          else failures += 1;
        }),
        { numRuns: RUNS },
      );
      expect(successes + failures).to.equal(RUNS);
      // The generators must reach both outcomes, or the property says little.
      expect(successes).to.be.greaterThan(RUNS / 100);
      expect(failures).to.be.greaterThan(RUNS / 10);
    });
  }
});
