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

/** Permissive CORS so the standalone server can be called from any page; Retry-After must be readable. */
/** @param {Req} req */
const corsHeaders = (req) => ({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || 'Content-Type, Authorization',
  'Access-Control-Expose-Headers': 'Retry-After',
  'Access-Control-Max-Age': '600',
});

/**
 * @param {Req} req @param {Res} res @param {number} status
 * @param {Record<string, string>} headers @param {string} body
 */
function send(req, res, status, headers, body) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...corsHeaders(req), 'Cache-Control': 'no-store', ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
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
    const action = CONTROL[`${req.method} ${name}`];
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
      // which must show as an answer, not as a hung test.
      if (req.destroyed || res.destroyed) return true;
      console.error('[emulator]', err);
      sendJson(req, res, 500, failure(500, 'Emulator error').body);
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
