// The Capillary client against the emulator (same origin, a fresh namespace per test), plus a few
// answers no emulator fault produces, served by an injected fetch.
import { expect } from '@open-wc/testing';
import {
  generateOtp,
  generateToken,
  OtpRequestSchema,
  parseRetryAfter,
  TokenRequestSchema,
  validateOtp,
  ValidateRequestSchema,
  type ApiError,
  type ApiResult,
  type ApiStep,
  type CallOptions,
  type Identity,
  STATUS_CODES,
} from '../../src/api/index.js';
import table from '../../src/api/status-codes.json';
import { newSandbox, type Endpoint, type FaultSpec, type Sandbox } from '../support/emulator-client.js';

const ID: Identity = {
  identifierType: 'MOBILE',
  identifierValue: '18795774754',
  deviceId: 'device-under-test',
  brand: 'Bukl',
};
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

function errorOf(result: ApiResult<unknown>): ApiError {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}
function valueOf<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

interface Seen {
  url: string;
  headers: Headers;
  body: Record<string, unknown>;
}
/** A fetch that records what goes on the wire, then really sends it. */
function recordingFetch(seen: Seen[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    seen.push({
      url: request.url,
      headers: request.headers,
      body: JSON.parse(await request.clone().text()) as Record<string, unknown>,
    });
    return fetch(request);
  };
}
/** A fetch that answers without any server. */
const answering =
  (body: BodyInit | null, init: ResponseInit = {}): typeof fetch =>
  async () =>
    new Response(body, init);

describe('Capillary client against the emulator', () => {
  let sb: Sandbox;
  let opts: CallOptions;
  beforeEach(async () => {
    sb = await newSandbox();
    opts = { baseUrl: sb.baseUrl };
  });

  async function openSession(): Promise<{ authorizedToken: string; sessionId: string }> {
    const authorizedToken = await sb.mintToken({ identifierValue: ID.identifierValue, brand: ID.brand });
    const { sessionId } = valueOf(await generateToken({ ...ID, authorizedToken }, opts));
    return { authorizedToken, sessionId };
  }
  async function sentCode(): Promise<{ sessionId: string; otp: string }> {
    const { sessionId } = await openSession();
    valueOf(await generateOtp({ ...ID, sessionId }, opts));
    return { sessionId, otp: await sb.latestCode(ID.identifierValue) };
  }

  it('runs the whole chain: token, OTP by SMS, validate', async () => {
    const authorizedToken = await sb.mintToken({ identifierValue: ID.identifierValue });
    const opened = valueOf(await generateToken({ ...ID, authorizedToken }, opts));
    expect(opened.sessionId).to.match(/^P-[0-9a-f-]{36}$/);
    expect(opened.user.sessionId).to.equal(opened.sessionId);
    expect(opened.token).to.match(JWT);
    expect(opened.key).to.equal(null);
    expect(opened.user.role).to.equal('VIEW');

    expect(await generateOtp({ ...ID, sessionId: opened.sessionId }, opts)).to.deep.equal({
      ok: true,
      value: undefined,
    });
    const [message] = await sb.outbox(ID.identifierValue);
    expect(message).to.include({ channel: 'sms', deviceId: ID.deviceId, sessionId: opened.sessionId });

    const verified = valueOf(
      await validateOtp({ ...ID, sessionId: opened.sessionId, otp: message!.code }, opts),
    );
    expect(verified.token).to.match(JWT);
    expect(verified.token).not.to.equal(opened.token);
    expect(verified.key).to.be.a('string');
    expect(verified.user).to.deep.equal({
      appRegistered: false,
      sessionId: opened.sessionId,
      role: 'USER',
      userRegisteredForPassword: false,
    });
  });

  it('sends exactly the documented fields, the OTP as a string, with JSON headers', async () => {
    const seen: Seen[] = [];
    opts = { baseUrl: sb.baseUrl, fetch: recordingFetch(seen) };
    const { sessionId, otp } = await sentCode();
    valueOf(await validateOtp({ ...ID, sessionId, otp }, opts));

    expect(seen.map((s) => new URL(s.url).pathname)).to.deep.equal(
      ['token/generate', 'otp/generate', 'otp/validate'].map((p) => `${sb.baseUrl}/auth/v1/mfa/${p}`),
    );
    expect(TokenRequestSchema.safeParse(seen[0]!.body).success).to.equal(true);
    expect(OtpRequestSchema.safeParse(seen[1]!.body).success).to.equal(true);
    expect(ValidateRequestSchema.safeParse(seen[2]!.body).success).to.equal(true);
    expect(Object.keys(seen[2]!.body).sort()).to.deep.equal(
      ['brand', 'deviceId', 'identifierType', 'identifierValue', 'otp', 'sessionId'],
    );
    expect(seen[2]!.body.otp).to.be.a('string');
    expect(seen[2]!.body.otp).to.equal(otp);
    for (const { headers } of seen) {
      expect(headers.get('content-type')).to.equal('application/json');
      expect(headers.get('accept')).to.equal('application/json');
    }
  });

  it('merges extra headers, but never lets them change Content-Type', async () => {
    const seen: Seen[] = [];
    const headers = { 'X-Proxy-Route': 'mfa', Accept: 'application/vnd.capillary+json', 'content-type': 'text/plain' };
    opts = { baseUrl: sb.baseUrl, headers, fetch: recordingFetch(seen) };
    await openSession();
    expect(seen).to.have.length(1);
    expect(seen[0]!.headers.get('x-proxy-route')).to.equal('mfa');
    expect(seen[0]!.headers.get('accept')).to.equal('application/vnd.capillary+json');
    expect(seen[0]!.headers.get('content-type')).to.equal('application/json');
  });

  it('tolerates trailing slashes on the base URL', async () => {
    const seen: Seen[] = [];
    opts = { baseUrl: `${sb.baseUrl}///`, fetch: recordingFetch(seen) };
    await openSession();
    expect(new URL(seen[0]!.url).pathname).to.equal(`${sb.baseUrl}/auth/v1/mfa/token/generate`);
  });

  it('uses globalThis.fetch as it is at call time, and a detached window.fetch works', async () => {
    const original = globalThis.fetch;
    let calls = 0;
    globalThis.fetch = (input, init) => {
      calls += 1;
      return original(input, init);
    };
    try {
      await openSession();
    } finally {
      globalThis.fetch = original;
    }
    expect(calls).to.equal(1);
    const detached = window.fetch;
    opts = { baseUrl: sb.baseUrl, fetch: detached };
    await openSession();
  });

  describe('every documented status code, at every step', () => {
    // Every code of the shared table (src/api/status-codes.json), sent by the emulator with the HTTP
    // status the table pairs it with. The table itself is held against the element contract in
    // test/unit/status-codes.test.ts; here the client must do what it says, end to end.
    const EXPECTED = Object.entries(STATUS_CODES);

    const STEPS: [ApiStep, Endpoint][] = [
      ['token', 'token/generate'],
      ['otp', 'otp/generate'],
      ['verify', 'otp/validate'],
    ];

    async function callStep(step: ApiStep, sessionId: string) {
      if (step === 'token') return generateToken({ ...ID, authorizedToken: await sb.mintToken() }, opts);
      if (step === 'otp') return generateOtp({ ...ID, sessionId }, opts);
      return validateOtp({ ...ID, sessionId, otp: '123456' }, opts);
    }

    for (const [step, path] of STEPS) {
      it(`classifies all ${EXPECTED.length} codes on ${path}`, async () => {
        const { sessionId } = await openSession();
        for (const [codeText, { kind, retryable }] of EXPECTED) {
          const httpStatus = table.emulatorHttpStatus[codeText as keyof typeof table.emulatorHttpStatus];
          const code = Number(codeText);
          await sb.fault({ path, type: 'code', code });
          const error = errorOf(await callStep(step, sessionId));
          expect(error, `code ${code}`).to.deep.include({
            step,
            code,
            kind,
            retryable,
            httpStatus,
          });
          expect(error.message, `code ${code}`).to.be.a('string').and.not.be.empty;
        }
      });
    }

    it('lets the API code win over the HTTP status it came with', async () => {
      await sb.fault({ path: 'token/generate', type: 'code', code: 1506, httpStatus: 503 });
      const error = errorOf(await generateToken({ ...ID, authorizedToken: await sb.mintToken() }, opts));
      expect(error).to.deep.include({ code: 1506, kind: 'invalid-code', retryable: true, httpStatus: 503 });
    });

    it('treats an undocumented code as a server failure that is not retried', async () => {
      await sb.fault({ path: 'token/generate', type: 'code', code: 4242, httpStatus: 500 });
      const error = errorOf(await generateToken({ ...ID, authorizedToken: await sb.mintToken() }, opts));
      expect(error).to.deep.include({ code: 4242, kind: 'server', retryable: false, httpStatus: 500 });
    });
  });

  describe('transport faults', () => {
    const token = () => sb.mintToken();

    it('a dropped connection is a retryable network error', async () => {
      // Chromium silently re-sends a request once when a reused connection closes before any answer,
      // so one dropped connection is invisible: keep dropping until the client gives up.
      await sb.fault({ path: 'token/generate', type: 'drop', times: -1 });
      const error = errorOf(await generateToken({ ...ID, authorizedToken: await token() }, opts));
      await sb.clearFaults();
      expect(error).to.deep.include({ step: 'token', kind: 'network', code: 'network', retryable: true });
      expect(error).not.to.have.property('httpStatus');
    });

    it('a server that never answers times out after timeoutMs', async () => {
      await sb.fault({ path: 'otp/generate', type: 'hang' });
      const { sessionId } = await openSession();
      const started = performance.now();
      const error = errorOf(await generateOtp({ ...ID, sessionId }, { ...opts, timeoutMs: 300 }));
      const elapsed = performance.now() - started;
      expect(error).to.deep.include({ step: 'otp', kind: 'timeout', code: 'timeout', retryable: true });
      expect(elapsed).to.be.within(250, 3000);
    });

    it('the caller aborting mid-request is "aborted", not a timeout', async () => {
      await sb.fault({ path: 'otp/validate', type: 'hang' });
      const { sessionId } = await openSession();
      const controller = new AbortController();
      const pending = validateOtp({ ...ID, sessionId, otp: '000000' }, { ...opts, signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      expect(errorOf(await pending)).to.deep.include({ step: 'verify', kind: 'aborted', code: 'aborted' });
    });

    it('an already-aborted signal sends nothing', async () => {
      let calls = 0;
      const controller = new AbortController();
      controller.abort();
      const result = await generateToken(
        { ...ID, authorizedToken: 'x' },
        { baseUrl: sb.baseUrl, signal: controller.signal, fetch: (i, n) => (calls++, fetch(i, n)) },
      );
      expect(errorOf(result).kind).to.equal('aborted');
      expect(calls).to.equal(0);
    });

    it('times out even when an injected fetch ignores its signal', async () => {
      const never: typeof fetch = () => new Promise<Response>(() => {});
      const error = errorOf(await generateOtp({ ...ID, sessionId: 'P-1' }, { baseUrl: '', fetch: never, timeoutMs: 50 }));
      expect(error.kind).to.equal('timeout');
    });

    it('HTTP 500 with an HTML page is a retryable server error with code 500', async () => {
      await sb.fault({ path: 'token/generate', type: 'http', status: 500 });
      const error = errorOf(await generateToken({ ...ID, authorizedToken: await token() }, opts));
      expect(error).to.deep.include({ code: 500, kind: 'server', retryable: true, httpStatus: 500 });
    });

    it('a proxy 504 whose body echoes 504 as its code is still a retryable server error', async () => {
      await sb.fault({ path: 'otp/generate', type: 'code', code: 504, httpStatus: 504, message: 'Upstream timed out' });
      const { sessionId } = await openSession();
      const error = errorOf(await generateOtp({ ...ID, sessionId }, opts));
      expect(error).to.deep.include({ code: 504, kind: 'server', retryable: true, httpStatus: 504 });
    });

    it('HTTP 502 with an empty body is a retryable server error with code 502', async () => {
      await sb.fault({ path: 'otp/generate', type: 'http', status: 502, body: '' });
      const { sessionId } = await openSession();
      const error = errorOf(await generateOtp({ ...ID, sessionId }, opts));
      expect(error).to.deep.include({ code: 502, kind: 'server', retryable: true, httpStatus: 502 });
    });

    it('a bare 4xx is bad input, 401 asks to sign in again, both not retryable', async () => {
      await sb.fault({ path: 'token/generate', type: 'http', status: 404, body: 'Not Found', contentType: 'text/plain' });
      await sb.fault({ path: 'token/generate', type: 'http', status: 401, body: '' });
      const first = errorOf(await generateToken({ ...ID, authorizedToken: await token() }, opts));
      const second = errorOf(await generateToken({ ...ID, authorizedToken: await token() }, opts));
      expect(first).to.deep.include({ code: 404, kind: 'bad-input', retryable: false });
      expect(second).to.deep.include({ code: 401, kind: 'reauth-required', retryable: false });
    });

    for (const type of ['non-json', 'truncated', 'wrong-shape'] as const) {
      for (const path of ['token/generate', 'otp/generate', 'otp/validate'] as const) {
        it(`a 200 that is ${type} on ${path} is a retryable invalid-response`, async () => {
          const { sessionId } = path === 'token/generate' ? { sessionId: '' } : await openSession();
          await sb.fault({ path, type } as FaultSpec);
          const result =
            path === 'token/generate'
              ? await generateToken({ ...ID, authorizedToken: await token() }, opts)
              : path === 'otp/generate'
                ? await generateOtp({ ...ID, sessionId }, opts)
                : await validateOtp({ ...ID, sessionId, otp: '123456' }, opts);
          expect(errorOf(result)).to.deep.include({
            kind: 'invalid-response',
            code: 'invalid-response',
            retryable: true,
            httpStatus: 200,
          });
        });
      }
    }

    it('latency alone still succeeds', async () => {
      await sb.fault({ path: 'token/generate', type: 'latency', ms: 100 });
      await openSession();
    });
  });

  describe('Retry-After', () => {
    it('reads delta-seconds from a 429', async () => {
      await sb.fault({ path: 'otp/generate', type: 'code', code: 429, headers: { 'Retry-After': '42' } });
      const { sessionId } = await openSession();
      const error = errorOf(await generateOtp({ ...ID, sessionId }, opts));
      expect(error).to.deep.include({ kind: 'rate-limited', retryAfterMs: 42_000, httpStatus: 429 });
    });

    it('reads an HTTP date', async () => {
      const at = new Date(Date.now() + 120_000).toUTCString();
      await sb.fault({ path: 'otp/generate', type: 'code', code: 1534, headers: { 'Retry-After': at } });
      const { sessionId } = await openSession();
      const error = errorOf(await generateOtp({ ...ID, sessionId }, opts));
      // HTTP dates have whole seconds.
      expect(error.retryAfterMs).to.be.within(118_000, 120_000);
    });

    it('leaves it out when absent or unreadable', async () => {
      await sb.fault({ path: 'otp/generate', type: 'code', code: 429, headers: { 'Retry-After': 'soon' } });
      await sb.fault({ path: 'otp/generate', type: 'code', code: 429 });
      const { sessionId } = await openSession();
      expect(errorOf(await generateOtp({ ...ID, sessionId }, opts))).not.to.have.property('retryAfterMs');
      expect(errorOf(await generateOtp({ ...ID, sessionId }, opts))).not.to.have.property('retryAfterMs');
    });

    it('parses the header forms the RFC allows and nothing else', () => {
      const now = Date.parse('2030-01-01T00:00:00Z');
      expect(parseRetryAfter('0', now)).to.equal(0);
      expect(parseRetryAfter(' 7 ', now)).to.equal(7000);
      expect(parseRetryAfter('Tue, 01 Jan 2030 00:01:00 GMT', now)).to.equal(60_000);
      expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).to.equal(0);
      expect(parseRetryAfter('Tuesday, 01-Jan-30 00:00:30 GMT', now)).to.equal(30_000);
      expect(parseRetryAfter('Tue Jan  1 00:00:10 2030', now)).to.equal(10_000);
      for (const bad of [null, undefined, '', 'soon', '-5', '1e3', '9'.repeat(400)]) {
        expect(parseRetryAfter(bad, now), String(bad)).to.equal(undefined);
      }
    });
  });

  describe("the emulator's real rules", () => {
    it('a wrong code is 1506 and can be re-typed; the right one still works', async () => {
      const { sessionId, otp } = await sentCode();
      const wrong = otp === '000000' ? '111111' : '000000';
      const error = errorOf(await validateOtp({ ...ID, sessionId, otp: wrong }, opts));
      expect(error).to.deep.include({ code: 1506, kind: 'invalid-code', retryable: true, httpStatus: 200 });
      valueOf(await validateOtp({ ...ID, sessionId, otp }, opts));
    });

    it('a session past its 15 minutes is 1505: start again', async () => {
      const { sessionId } = await openSession();
      await sb.advanceClock(16 * 60_000);
      const error = errorOf(await generateOtp({ ...ID, sessionId }, opts));
      expect(error).to.deep.include({ code: 1505, kind: 'session-expired', retryable: false, httpStatus: 401 });
    });

    it('the send past otpMaxCount is rate limited (429), not retryable', async () => {
      await sb.config({ otpMaxCount: 2 });
      const { sessionId } = await openSession();
      valueOf(await generateOtp({ ...ID, sessionId }, opts));
      valueOf(await generateOtp({ ...ID, sessionId }, opts));
      const error = errorOf(await generateOtp({ ...ID, sessionId }, opts));
      expect(error).to.deep.include({ code: 429, kind: 'rate-limited', retryable: false, httpStatus: 429 });
      expect(await sb.outbox(ID.identifierValue)).to.have.length(2);
    });

    it('a different device ID mid-chain is 1508, an integration mismatch', async () => {
      const { sessionId } = await openSession();
      const error = errorOf(await generateOtp({ ...ID, deviceId: 'another-device', sessionId }, opts));
      expect(error).to.deep.include({ code: 1508, kind: 'integration-mismatch', retryable: false });
    });
  });
});

describe('Capillary client, answers no emulator fault produces', () => {
  const req = { ...ID, authorizedToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNlY3JldA' };

  it('reads a status code sent as a numeric string', async () => {
    const body = JSON.stringify({ status: { success: false, code: '1505', message: 'Invalid session' } });
    const error = errorOf(await generateToken(req, { baseUrl: '', fetch: answering(body, { status: 200 }) }));
    expect(error).to.deep.include({ code: 1505, kind: 'session-expired' });
  });

  it('accepts a success without auth.key and with extra fields, and rejects one without a token', async () => {
    const user = { sessionId: 'P-1', role: 'VIEW', appRegistered: false, userRegisteredForPassword: false, extra: 1 };
    const good = { status: { success: true, code: 200 }, auth: { token: 'a.b.c' }, user, more: [] };
    const ok = valueOf(await generateToken(req, { baseUrl: '', fetch: answering(JSON.stringify(good)) }));
    expect(ok).to.include({ token: 'a.b.c', key: null, sessionId: 'P-1' });
    const bad = { ...good, auth: { token: 42, key: null } };
    expect(errorOf(await generateToken(req, { baseUrl: '', fetch: answering(JSON.stringify(bad)) })).kind).to.equal(
      'invalid-response',
    );
  });

  it('a non-2xx answer is a failure even when its body says success', async () => {
    const body = JSON.stringify({ status: { success: true, code: 200 }, auth: { token: 't' }, user: { sessionId: 'P-1' } });
    const error = errorOf(await generateToken(req, { baseUrl: '', fetch: answering(body, { status: 503 }) }));
    expect(error).to.deep.include({ code: 503, kind: 'server', retryable: true });
  });

  it('never throws: a fetch that throws synchronously is a network error', async () => {
    const throwing = (() => {
      throw new TypeError('boom');
    }) as unknown as typeof fetch;
    expect(errorOf(await generateOtp({ ...ID, sessionId: 'P-1' }, { baseUrl: '', fetch: throwing })).kind).to.equal(
      'network',
    );
  });

  it('never throws: a body stream that fails mid-read is a network error', async () => {
    const broken: typeof fetch = async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"status":{"succ'));
            controller.error(new Error('connection reset'));
          },
        }),
        { status: 200, headers: { 'Content-Type': 'application/json' } },
      );
    const error = errorOf(await validateOtp({ ...ID, sessionId: 'P-1', otp: '1' }, { baseUrl: '', fetch: broken }));
    expect(error).to.deep.include({ kind: 'network', retryable: true, httpStatus: 200 });
  });

  it('stops reading an answer past 64 KB: a 100 MB body is an invalid-response, read no further', async () => {
    let pulled = 0;
    const huge: typeof fetch = async () =>
      new Response(
        new ReadableStream({
          pull(controller) {
            pulled++;
            if (pulled > 100) return controller.close(); // 100 × 1 MB
            controller.enqueue(new Uint8Array(1024 * 1024).fill(32));
          },
        }),
        { status: 200, headers: { 'Content-Type': 'application/json' } },
      );
    const error = errorOf(await generateOtp({ ...ID, sessionId: 'P-1' }, { baseUrl: '', fetch: huge }));
    expect(error).to.deep.include({ kind: 'invalid-response', retryable: true, httpStatus: 200 });
    expect(pulled, 'chunks read').to.be.below(4);
  });

  it('refuses an answer that declares more than 64 KB without reading it, and reads one of 60 KB', async () => {
    const padded = (bytes: number) => JSON.stringify({ status: { success: true, code: 200, message: 'x'.repeat(bytes) } });
    const declared = errorOf(await generateOtp({ ...ID, sessionId: 'P-1' }, { baseUrl: '', fetch: answering(padded(10), { headers: { 'Content-Length': String(70 * 1024) } }) }));
    expect(declared.kind).to.equal('invalid-response');
    const fits = await generateOtp({ ...ID, sessionId: 'P-1' }, { baseUrl: '', fetch: answering(padded(60 * 1024)) });
    expect(fits.ok).to.equal(true);
  });

  it('never throws: malformed options and requests still resolve to an error', async () => {
    const results = await Promise.all([
      generateToken(null as unknown as typeof req, { baseUrl: '' }),
      generateOtp({ ...ID, sessionId: 'P-1' }, null as unknown as CallOptions),
      generateOtp({ ...ID, sessionId: 'P-1' }, { baseUrl: '', headers: { 'bad header': 'x' }, fetch: answering('{}') }),
      generateOtp({ ...ID, sessionId: 'P-1' }, { baseUrl: '', fetch: (async () => 'nope') as unknown as typeof fetch }),
    ]);
    for (const result of results) expect(result.ok).to.equal(false);
  });

  it('keeps tokens and codes out of every error message', async () => {
    const otp = '482913';
    const jwt = 'eyJ0eXAiOiJKV1Qi.eyJzaWQiOiJQLTEi.c2lnbmF0dXJl';
    const failure = (secret: string) =>
      JSON.stringify({ status: { success: false, code: 1519, message: `${secret} rejected; also ${jwt}` } });
    const leaky = (secret: string) =>
      (async () => {
        throw new TypeError(`could not send ${secret}`);
      }) as unknown as typeof fetch;
    const verify = { ...ID, sessionId: 'P-1', otp };
    const errors = [
      errorOf(await generateToken(req, { baseUrl: '', fetch: answering(failure(req.authorizedToken), { status: 400 }) })),
      errorOf(await generateToken(req, { baseUrl: '', fetch: leaky(req.authorizedToken) })),
      errorOf(await validateOtp(verify, { baseUrl: '', fetch: answering(failure(otp)) })),
      errorOf(await validateOtp(verify, { baseUrl: '', fetch: leaky(otp) })),
    ];
    for (const error of errors) {
      expect(error.message).not.to.include(req.authorizedToken);
      expect(error.message).not.to.include(otp);
      expect(error.message).not.to.include(jwt);
    }
    expect(errors[0]!.message).to.include('[redacted]');
  });
});
