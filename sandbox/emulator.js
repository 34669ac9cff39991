// @ts-check
// The Capillary MFA API emulator: HTTP routing over Node's raw request/response, namespaces, fault
// application and housekeeping. The vendor's rules live in rules.js, the fault queue in faults.js.
// Contract: docs/emulator-spec.md.
import { setTimeout as sleep } from 'node:timers/promises';
import { failure } from './codes.js';
import { FaultSpecError, faultAnswer } from './faults.js';
import { Namespace, Refusal } from './rules.js';

/** @typedef {import('node:http').IncomingMessage} Req */
/** @typedef {import('node:http').ServerResponse} Res */
/** @typedef {import('./rules.js').Config} Config */
/** @typedef {import('./faults.js').Endpoint} Endpoint */
/**
 * @typedef {object} EmulatorOptions
 * @property {boolean | ((line: string) => void)} [log] one line per call; true = console.log
 * @property {Partial<Config>} [defaults] config every namespace starts from (and returns to on reset)
 * @property {number} [idleNamespaceMs] real time after which an unused namespace other than `default` is dropped
 * @property {number} [sweepIntervalMs] how often the housekeeping timer runs
 * @property {string[]} [allowedOrigins] origins (besides the emulator's own) whose pages may call the
 *   control endpoints (outbox, faults, config…); default none
 * @property {string[]} [allowedHosts] host names (besides loopback ones) the emulator answers under;
 *   a request naming another Host is refused, so a DNS-rebinding page cannot reach it
 */
/**
 * @typedef {object} Stats
 * @property {number} sessions
 * @property {number} outbox
 * @property {number} firstFactorTokens
 * @property {number} rateWindows
 * @property {number} namespaces
 */
/**
 * @typedef {object} Emulator
 * @property {(url: string | undefined) => boolean} matches whether `handle` would take this URL
 * @property {(req: Req, res: Res) => Promise<boolean>} handle false (touching nothing) when the URL is not the emulator's
 * @property {(name?: string) => Namespace} namespace the namespace's state, created on first use
 * @property {() => Stats} stats totals over every namespace
 * @property {() => Stats} sweep drops what has expired, then returns stats()
 * @property {() => void} close stops the timer, ends hung and delayed calls
 */

const NS_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** `/sandbox/<ns>` prefix (optional), then the vendor's MFA paths or the control paths. */
const ROUTE = /^(?:\/sandbox\/([A-Za-z0-9_-]{1,64}))?\/(auth\/v1\/mfa|__emulator)\/([^?#]*?)\/?$/;
const MAX_BODY_BYTES = 64 * 1024;
/** Enough for a test suite giving each test its own namespace; the least recently used go first. */
const MAX_NAMESPACES = 2000;
const HOUR = 60 * 60_000;

/** Vendor endpoint → the Namespace method that implements it. */
const API = /** @type {const} */ ({ 'token/generate': 'tokenGenerate', 'otp/generate': 'otpGenerate', 'otp/validate': 'otpValidate' });

/**
 * Control endpoints: `${method} ${name}` → what it does. Each returns the JSON to answer with.
 * @type {Record<string, (ns: Namespace, body: unknown, query: URLSearchParams) => unknown>}
 */
const CONTROL = {
  'POST first-factor': (ns, body) => ns.mintFirstFactor(body ?? {}),
  'GET outbox': (ns, _b, query) => ({ messages: ns.listOutbox(query.get('identifierValue') ?? undefined) }),
  'DELETE outbox': (ns) => {
    const cleared = ns.outbox.length;
    ns.outbox = [];
    return { cleared };
  },
  'POST faults': (ns, body) => ({ id: ns.faults.add(body) }),
  'DELETE faults': (ns) => {
    const cleared = ns.faults.size;
    ns.faults.clear();
    return { cleared };
  },
  'GET config': (ns) => ({ ...ns.config }),
  'POST config': (ns, body) => ns.setConfig(body ?? {}),
  'POST clock': (ns, body) => ns.advanceClock(body && typeof body === 'object' ? /** @type {any} */ (body).advanceMs : undefined),
  'POST reset': (ns) => {
    ns.reset();
    return { ok: true };
  },
};

/**
 * @param {string | undefined} url
 * @returns {{ ns: string, kind: 'api' | 'control', name: string, pathname: string, query: URLSearchParams } | null}
 */
function parseRoute(url) {
  if (!url) return null;
  let parsed;
  try {
    parsed = new URL(url, 'http://emulator.invalid');
  } catch {
    return null;
  }
  const m = ROUTE.exec(parsed.pathname);
  if (!m) return null;
  return { ns: m[1] ?? 'default', kind: m[2] === '__emulator' ? 'control' : 'api', name: m[3], pathname: parsed.pathname, query: parsed.searchParams };
}

/**
 * CORS for the vendor endpoints: any page may call the fake vendor API (as a demo or a test page on
 * another port does); Retry-After must be readable. The control endpoints (codes in the outbox,
 * faults, config) get no CORS at all unless the origin is allowed: see `originAllowed`.
 * @param {Req} req @param {string} origin the Access-Control-Allow-Origin value
 */
const corsHeaders = (req, origin) => ({
  'Access-Control-Allow-Origin': origin,
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': String(req.headers['access-control-request-headers'] || 'Content-Type, Authorization').slice(0, 500),
  'Access-Control-Expose-Headers': 'Retry-After',
  'Access-Control-Max-Age': '600',
  Vary: 'Origin',
});

/** What each answer carries for CORS: set per request by `handle`. */
const CORS = new WeakMap();

/**
 * Writes one answer. A header that Node refuses (a fault's, say) must not leave the call hanging:
 * the answer becomes a 500 that says so.
 * @param {Req} req @param {Res} res @param {number} status
 * @param {Record<string, string>} headers @param {string} body
 */
function send(req, res, status, headers, body) {
  if (res.headersSent || res.destroyed) return;
  const base = { ...(CORS.get(req) ?? {}), 'Cache-Control': 'no-store' };
  try {
    res.writeHead(status, { ...base, ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  } catch (err) {
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    const text = JSON.stringify(failure(500, `Emulator error: ${err instanceof Error ? err.message : err}`).body);
    res.writeHead(500, { ...base, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
    res.end(text);
    return;
  }
  res.end(body);
}

/** Loopback host names: what a development server is reached by. */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** The host name of a Host header, without its port; '' when there is none. */
function hostName(/** @type {string | undefined} */ host) {
  if (!host || host.length > 300) return '';
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}

/** @param {Req} req @param {Res} res @param {number} status @param {unknown} value */
const sendJson = (req, res, status, value) => send(req, res, status, { 'Content-Type': 'application/json' }, JSON.stringify(value));

/**
 * Reads the body as JSON: `undefined` when empty, a `Refusal` (1519) when too large or not JSON.
 * @param {Req} req
 * @returns {Promise<unknown>}
 */
async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Refusal(failure(1519, 'Invalid details passed: body too large'));
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new Refusal(failure(1519, 'Invalid details passed: body is not JSON'));
  }
}

/** @param {EmulatorOptions} [options] @returns {Emulator} */
export function createEmulator(options = {}) {
  const { defaults = {}, idleNamespaceMs = HOUR, sweepIntervalMs = 60_000 } = options;
  const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  /** @param {Req} req Host is loopback or configured: a DNS-rebinding page names another. */
  const hostAllowed = (req) => {
    const name = hostName(req.headers.host).toLowerCase();
    return LOOPBACK.test(name) || allowedHosts.has(name);
  };
  /**
   * A page may drive the control endpoints only from the emulator's own origin or an allowed one. A
   * request without Origin (curl, Node, a same-origin GET) is not a page acting for someone else.
   * @param {Req} req
   */
  const originAllowed = (req) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (allowedOrigins.has(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  };
  const log = options.log === true ? (/** @type {string} */ line) => console.log(line) : options.log || null;
  /** @type {Map<string, { ns: Namespace, lastUsed: number }>} insertion order = least recently used first */
  const namespaces = new Map();
  /** Calls held open by a `hang` fault, ended by close(). */
  /** @type {Set<Res>} */
  const hung = new Set();
  /** Aborts pending `latency` delays on close(). */
  const closing = new AbortController();

  /** @param {string} [name] */
  function namespace(name = 'default') {
    if (!NS_PATTERN.test(name)) throw new Error(`invalid namespace name: ${name}`);
    const entry = namespaces.get(name) ?? { ns: new Namespace(name, defaults), lastUsed: 0 };
    entry.lastUsed = Date.now();
    namespaces.delete(name); // re-insert: keeps the Map in least-recently-used order
    namespaces.set(name, entry);
    for (const key of namespaces.keys()) {
      if (namespaces.size <= MAX_NAMESPACES) break;
      if (key !== 'default') namespaces.delete(key);
    }
    return entry.ns;
  }

  function stats() {
    const total = { sessions: 0, outbox: 0, firstFactorTokens: 0, rateWindows: 0, namespaces: namespaces.size };
    for (const { ns } of namespaces.values()) {
      const s = ns.stats();
      total.sessions += s.sessions;
      total.outbox += s.outbox;
      total.firstFactorTokens += s.firstFactorTokens;
      total.rateWindows += s.rateWindows;
    }
    return total;
  }

  function sweep() {
    const realNow = Date.now();
    for (const [name, { ns, lastUsed }] of namespaces) {
      if (name !== 'default' && realNow - lastUsed >= idleNamespaceMs) namespaces.delete(name);
      else ns.sweep();
    }
    return stats();
  }

  const timer = setInterval(sweep, sweepIntervalMs);
  timer.unref(); // housekeeping must never keep a test runner or script alive

  /**
   * Answers one vendor call: faults first (a faulted call leaves the state untouched), then the rules.
   * @param {Req} req @param {Res} res @param {Namespace} ns @param {Endpoint} endpoint
   * @param {{ code?: string }} note what the log line reports
   */
  async function answerApi(req, res, ns, endpoint, note) {
    let body;
    try {
      body = await readJson(req);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      body = err; // answered after the faults, like any other call
    }
    const { delayMs, fault } = ns.faults.take(endpoint);
    if (delayMs > 0) {
      const gone = new AbortController();
      res.once('close', () => gone.abort());
      try {
        await sleep(delayMs, undefined, { signal: AbortSignal.any([closing.signal, gone.signal]) });
      } catch {
        res.destroy();
        return;
      }
    }
    if (fault) {
      note.code = `fault=${fault.type}${fault.type === 'code' ? ` code=${fault.params.code}` : ''}`;
      if (fault.type === 'hang') {
        hung.add(res);
        res.once('close', () => hung.delete(res));
        return;
      }
      if (fault.type === 'drop') {
        req.socket.destroy();
        return;
      }
      const raw = faultAnswer(fault);
      send(req, res, raw.httpStatus, raw.headers, raw.body);
      return;
    }
    let reply;
    try {
      if (body instanceof Refusal) throw body;
      reply = ns[API[endpoint]](body);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      reply = err.reply;
    }
    note.code = `code=${reply.body.status.code}`;
    send(req, res, reply.httpStatus, { 'Content-Type': 'application/json', ...reply.headers }, JSON.stringify(reply.body));
  }

  /**
   * @param {Req} req @param {Res} res @param {Namespace} ns @param {string} name @param {URLSearchParams} query
   */
  async function answerControl(req, res, ns, name, query) {
    if (name === 'stats') {
      if (req.method !== 'GET') return methodNotAllowed(req, res, 'GET');
      return sendJson(req, res, 200, { ...ns.stats(), namespaces: namespaces.size });
    }
    const key = `${req.method} ${name}`;
    const action = Object.hasOwn(CONTROL, key) ? CONTROL[key] : undefined;
    if (!action) {
      const allowed = Object.keys(CONTROL).filter((k) => k.endsWith(` ${name}`)).map((k) => k.split(' ')[0]);
      if (allowed.length === 0) return sendJson(req, res, 404, failure(404, `Unknown emulator endpoint: ${name}`).body);
      return methodNotAllowed(req, res, allowed.join(', '));
    }
    try {
      const body = req.method === 'GET' ? undefined : await readJson(req);
      sendJson(req, res, 200, action(ns, body, query));
    } catch (err) {
      const reply = err instanceof Refusal ? err.reply : err instanceof FaultSpecError ? failure(1519, err.message) : null;
      if (!reply) throw err;
      sendJson(req, res, reply.httpStatus, reply.body);
    }
  }

  /** @param {Req} req @param {Res} res @param {string} allow */
  function methodNotAllowed(req, res, allow) {
    send(req, res, 405, { 'Content-Type': 'application/json', Allow: `${allow}, OPTIONS` }, JSON.stringify(failure(405, 'Method not allowed').body));
  }

  /** @param {Req} req @param {Res} res */
  async function handle(req, res) {
    const route = parseRoute(req.url);
    if (!route) return false;
    const started = performance.now();
    /** @type {{ code?: string }} */
    const note = {};
    if (log) {
      // Only the path is logged: no query string, no body, so tokens and codes never reach the log.
      res.once('close', () => {
        const status = res.headersSent ? res.statusCode : 'no-answer';
        log(`${req.method} ${route.pathname} ${status} ${Math.round(performance.now() - started)}ms ${note.code ?? '-'}`);
      });
    }
    try {
      if (!hostAllowed(req)) {
        note.code = 'refused: host';
        return sendJson(req, res, 403, failure(403, 'Host not allowed: the emulator answers loopback hosts and its configured ones').body), true;
      }
      if (route.kind === 'control') {
        if (!originAllowed(req)) {
          note.code = 'refused: origin';
          return sendJson(req, res, 403, failure(403, 'Origin not allowed to drive the emulator').body), true;
        }
        // Same origin needs no CORS; an allowed other origin gets exactly its own.
        if (req.headers.origin !== undefined) CORS.set(req, corsHeaders(req, req.headers.origin));
      } else {
        CORS.set(req, corsHeaders(req, '*'));
      }
      const ns = namespace(route.ns);
      if (req.method === 'OPTIONS') {
        send(req, res, 204, {}, '');
      } else if (route.kind === 'control') {
        await answerControl(req, res, ns, route.name, route.query);
      } else if (!Object.hasOwn(API, route.name)) {
        sendJson(req, res, 404, failure(404, `Unknown endpoint: ${route.name}`).body);
      } else if (req.method !== 'POST') {
        methodNotAllowed(req, res, 'POST');
      } else {
        await answerApi(req, res, ns, /** @type {Endpoint} */ (route.name), note);
      }
    } catch (err) {
      // A client that went away mid-body is no error of ours; anything else is a bug in the emulator,
      // which must show as an answer (one log line, a 500), not as a hung call. (`req.destroyed` is
      // no sign of that: a request whose body was read to the end is destroyed too.)
      if (res.destroyed || req.socket?.destroyed) return true;
      console.error(`[emulator] ${req.method} ${route.pathname}: ${err instanceof Error ? err.message : String(err)}`);
      try {
        sendJson(req, res, 500, failure(500, 'Emulator error').body);
      } catch {
        res.destroy();
      }
    }
    return true;
  }

  function close() {
    clearInterval(timer);
    closing.abort();
    for (const res of hung) res.destroy();
    hung.clear();
  }

  return { matches: (url) => parseRoute(url) !== null, handle, namespace, stats, sweep, close };
}
