// The flow's controller: owns every request, timer and abort signal, feeds results to the pure
// machine (machine.ts) and reports what happened through the callbacks it was given. It renders
// nothing, knows no customer text and needs nothing of its host but a ReactiveControllerHost, the
// way @lit/task is driven: `new FlowController(host, { inputs: () => …, onVerified: … })`.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { generateOtp, generateToken, validateOtp } from '../api/client.js';
import type { ApiError, ApiResult, AuthSuccess, CallOptions, Identity } from '../api/types.js';
import { getDeviceId, knownDeviceId } from '../device/device-id.js';
import { clock } from './clock.js';
import {
  isResumable,
  keyOf,
  mayHaveLiveSession,
  readRecord,
  removeRecord,
  takeTurn,
  writeRecord,
  type Place,
  type SessionRecord,
} from './continuity-store.js';
import { configError, fromApiError, type FlowError } from './flow-error.js';
import { checkInputs, type FlowConfig, type RawInputs } from './inputs.js';
import {
  IDLE,
  canResend,
  canStart,
  canVerify,
  errorOf,
  resendAtOf,
  transition,
  type FlowEvent,
  type FlowState,
  type Session,
} from './machine.js';
import { RATE_LIMIT_FALLBACK_MS, afterRefusal, decideSend } from './send-decision.js';
import { listenForSmsCode } from './web-otp.js';

/** Errors after which the session can never be used again: its record goes. */
const SESSION_CLOSED = new Set(['session-expired', 'attempts-exhausted', 'reauth-required']);

/** A browser-wide turn to decide whether to send a code, with what storage said when it began. */
interface Turn {
  place: Place;
  key: string | null;
  record: SessionRecord | null;
  release: () => void;
}

/** What happened to a send, decided in the turn; `record` is what to store of it, `forget` to remove what is stored. */
type SendOutcome = { record?: SessionRecord | undefined; forget?: boolean } & (
  | { type: 'sent'; resendAt: number }
  /** Another element or tab of this browser sent the code (or a resend) first: take its session up. */
  | { type: 'adopt'; adopted: SessionRecord }
  | { type: 'failed'; error: ApiError; retryAt?: number }
);

/** A code went out: what mfa-otp-sent tells the page. */
export interface OtpSent {
  sessionId: string;
  deviceId: string;
  /** 1 for the first send of the session, 2 for the first resend… */
  attempt: number;
  /** Epoch ms when a resend becomes available. */
  resendAvailableAt: number;
}

/** The code was accepted: what mfa-verified tells the page. */
export interface Verified extends AuthSuccess {
  sessionId: string;
  deviceId: string;
}

export interface FlowOptions {
  /** The inputs as they are now; checked each time the flow starts. */
  inputs: () => RawInputs;
  /** Whether the flow starts by itself once connected with a first-factor token. */
  autoStart: () => boolean;
  /** A device ID set by the page, or '' to use the generated one. */
  deviceId: () => string;
  headers: () => Record<string, string>;
  fetch: () => typeof fetch | undefined;
  /** Every change of state, synchronously, before any of the notices below. */
  onStateChange?: (state: FlowState, previous: FlowState) => void;
  /** A new error (an error already reported is not reported again). */
  onError?: (error: FlowError) => void;
  onOtpSent?: (sent: OtpSent) => void;
  /** A live session was taken up instead of sending a code (continuity): `attempt` as last sent. */
  onResumed?: (resumed: OtpSent) => void;
  onVerified?: (verified: Verified) => void;
  /** A code the browser read from the SMS (WebOTP) and the customer accepted. */
  onSmsCode?: (code: string) => void;
}

export class FlowController implements ReactiveController {
  state: FlowState = IDLE;
  /** The generated device ID, once known. */
  generatedDeviceId = '';

  #connected = false;
  #config: FlowConfig | null = null;
  /** Id of the latest request: a result that comes back under an older id is dropped. */
  #run = 0;
  #requestAbort: AbortController | null = null;
  #webOtpAbort: AbortController | null = null;
  #inFlight: Promise<void> | null = null;
  #tickTimer: unknown = null;
  /** The first-factor token the flow last started by itself with; auto-start waits for a new one. */
  #autoStartedWith: string | null = null;
  /** The continuity record's key for the running flow (an HMAC of its identity; null without storage). */
  #recordKey: Promise<string | null> = Promise.resolve(null);
  /** Set by reset(): the next start opens a new session, whatever this browser holds. */
  #fresh = false;

  readonly #host: ReactiveControllerHost;
  readonly #options: FlowOptions;

  constructor(host: ReactiveControllerHost, options: FlowOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  // ---- lifecycle -------------------------------------------------------------------------

  hostConnected(): void {
    this.#connected = true;
    // First, so that on a returning visit the first request leaves before anything else is set up.
    this.maybeAutoStart();
    // Start fingerprinting now (if the flow has not), while the page is still fetching the
    // first-factor token.
    if (!this.#options.deviceId()) void this.#deviceId();
    this.#scheduleTick();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#cancelRequests();
    this.#stopTick();
    const before = this.state;
    this.#apply({ type: 'interrupted' });
    // Interrupted before a code existed: the chain starts over when the element comes back.
    if (this.state.status === 'idle' && before.status !== 'idle') this.#autoStartedWith = null;
  }

  /** Called by the host before each update: starts the flow once per first-factor token. */
  maybeAutoStart(): void {
    const token = this.#options.inputs().authorizedToken;
    if (!this.#connected || !this.#options.autoStart() || typeof token !== 'string' || !token) return;
    if (token === this.#autoStartedWith) return;
    if (this.state.status !== 'idle' && this.state.status !== 'error') return;
    this.#autoStartedWith = token;
    if (this.state.status === 'error') this.#apply({ type: 'reset' });
    void this.start();
  }

  // ---- intents ---------------------------------------------------------------------------

  start(): Promise<void> {
    if (this.state.status === 'starting' || this.state.status === 'sending') return this.#inFlight ?? Promise.resolve();
    if (!canStart(this.state)) return Promise.resolve();
    const inputs = this.#options.inputs();
    const checked = checkInputs(inputs);
    if (!checked.ok) {
      this.#apply({ type: 'failed', error: configError(checked.problem), fallbackResendAt: 0 });
      return Promise.resolve();
    }
    this.#config = checked.config;
    this.#autoStartedWith = typeof inputs.authorizedToken === 'string' ? inputs.authorizedToken : null;
    this.#apply({ type: 'start' });
    return this.#track(this.#open(checked.config));
  }

  resend(): Promise<void> {
    if (this.state.status === 'sending') return this.#inFlight ?? Promise.resolve();
    if (!this.#config || !canResend(this.state, clock.now())) return Promise.resolve();
    this.#apply({ type: 'send' });
    // A resend may take up the same session's newer code (sent from another tab), not another session.
    return this.#track(this.#sendCode(this.#config));
  }

  verify(otp: string): Promise<void> {
    if (this.state.status === 'verifying') return this.#inFlight ?? Promise.resolve();
    const config = this.#config;
    if (!config || config.mode !== 'verify' || !canVerify(this.state)) return Promise.resolve();
    if (!isCode(otp, config.otpLength)) return Promise.resolve();
    this.#apply({ type: 'verify' });
    return this.#track(this.#checkCode(config, otp));
  }

  /** Aborts what is in flight, forgets the session (here and in storage) and goes to idle. */
  reset(): void {
    this.#end({ type: 'reset' });
  }

  /**
   * The customer's way out: aborts what is in flight, forgets the session and returns to idle (not
   * once verified). Sends nothing, and does not start again by itself for the same first-factor token.
   */
  cancel(): void {
    if (this.state.status !== 'verified') this.#end({ type: 'cancel' });
  }

  /** Ends the flow here: nothing in flight, the session forgotten here and in storage, idle. */
  #end(event: FlowEvent): void {
    this.#cancelRequests();
    this.#stopTick();
    this.#config = null;
    this.#fresh = true;
    void this.#forgetSession();
    this.#apply(event);
  }

  /** Whether a typed value would be accepted by verify() right now. */
  accepts(otp: string): boolean {
    return !!this.#config && isCode(otp, this.#config.otpLength);
  }

  /** The checked inputs of the running flow, or null before it started. */
  get config(): FlowConfig | null {
    return this.#config;
  }

  // ---- steps -----------------------------------------------------------------------------

  async #open(config: FlowConfig): Promise<void> {
    const { run, signal } = this.#beginRequest();
    // A known ID is taken without an await, so that on a returning visit the request leaves in the
    // task the element connects in, ahead of its first render.
    let deviceId = this.#options.deviceId() || this.#knownDeviceId();
    if (!deviceId) {
      deviceId = await this.#deviceId();
      if (!this.#isCurrent(run)) return;
      this.#host.requestUpdate(); // the status moves on from "Preparing"
    }
    const identity: Identity = {
      identifierType: config.identifierType,
      identifierValue: config.identifierValue,
      deviceId,
      brand: config.brand,
    };
    const place = { ...identity, baseUrl: config.baseUrl };
    this.#recordKey = keyOf(place);
    const fresh = this.#fresh;
    this.#fresh = false;
    // A session of this customer's may be live in this browser (a reload, another tab): look before
    // opening one. When the hint says none is, the token call goes out at once.
    if (!fresh && mayHaveLiveSession(place, clock.now())) {
      const record = await readRecord(await this.#recordKey);
      if (!this.#isCurrent(run)) return;
      if (isResumable(record, clock.now())) return this.#resume(config, identity, record);
    }
    // The send's turn (the lock, then the record under it) is taken while the token call is on its
    // way, so that by the time the session is open the decision to send waits for nothing.
    const turn = this.#takeTurn(place, signal);
    const result = await generateToken({ ...identity, authorizedToken: config.authorizedToken }, this.#callOptions(config, signal));
    if (!this.#isCurrent(run) || !result.ok) {
      void turn.then((t) => t?.release());
      if (this.#isCurrent(run) && !result.ok) this.#fail(result.error);
      return;
    }
    const session = { sessionId: result.value.sessionId, deviceId, identity, openedAt: clock.now() };
    this.#apply({ type: 'opened', session });
    return this.#sendCode(config, { run, signal, turn, mayAdopt: !fresh });
  }

  /** Takes up a live session from storage: no request, the countdown goes on from its deadline. */
  #resume(config: FlowConfig, identity: Identity, record: SessionRecord): void {
    const session = { sessionId: record.sessionId, deviceId: identity.deviceId, identity, openedAt: record.openedAt };
    const resendAt = Math.max(record.resendAt, record.retryAt);
    this.#apply({ type: 'resumed', session, sent: record.sent, resendAt });
    this.#options.onResumed?.({ sessionId: session.sessionId, deviceId: session.deviceId, attempt: record.sent, resendAvailableAt: resendAt });
    this.#scheduleTick();
    if (config.mode === 'verify') this.#listenForSmsCode();
  }

  /** This browser's turn to decide whether to send: the lock, and the identity's record read under it. */
  async #takeTurn(place: Place, signal: AbortSignal): Promise<Turn | null> {
    const [release, key] = await Promise.all([takeTurn(signal), this.#recordKey]);
    if (!release) return null;
    return { place, key, record: await readRecord(key), release };
  }

  /**
   * Sends a code (first send, or a resend when `first` is not given). Whether to send is decided
   * in this browser's turn from the record in IndexedDB, so that two tabs starting at once send one
   * code between them; a first send may take up another session of this customer's instead.
   */
  async #sendCode(config: FlowConfig, first?: { run: number; signal: AbortSignal; turn: Promise<Turn | null>; mayAdopt: boolean }): Promise<void> {
    if (this.state.status !== 'sending') return;
    const { session, sent } = this.state;
    const { run, signal } = first ?? this.#beginRequest();
    const turn = await (first?.turn ?? this.#takeTurn({ ...session.identity, baseUrl: config.baseUrl }, signal));
    if (!turn) return; // the turn was given up: the element left or the flow moved on
    if (!this.#isCurrent(run)) return turn.release();
    let outcome: SendOutcome;
    try {
      outcome = await this.#decideAndSend(config, turn, session, sent, first?.mayAdopt ?? false, signal);
    } catch (cause) {
      turn.release();
      throw cause;
    }
    // The outcome is acted on at once; the turn ends once the record that tells the other tabs
    // about it has been written.
    const { record, forget } = outcome;
    void (record ? writeRecord(turn.key, turn.place, record) : forget ? removeRecord(turn.key) : Promise.resolve()).finally(turn.release);
    if (!this.#isCurrent(run)) return;
    if (outcome.type === 'adopt') return this.#resume(config, session.identity, outcome.adopted);
    if (outcome.type === 'failed') return this.#fail(outcome.error, outcome.retryAt);
    const { resendAt } = outcome;
    this.#apply({ type: 'sent', resendAt });
    this.#options.onOtpSent?.({ sessionId: session.sessionId, deviceId: session.deviceId, attempt: sent + 1, resendAvailableAt: resendAt });
    this.#scheduleTick();
    if (config.mode === 'verify') this.#listenForSmsCode();
  }

  /** Asks send-decision.ts what to do, sends when it says so, and says what to store. */
  async #decideAndSend(config: FlowConfig, turn: Turn, session: Session, sent: number, mayAdopt: boolean, signal: AbortSignal): Promise<SendOutcome> {
    const { record } = turn;
    const decision = decideSend(record, session, sent, mayAdopt, clock.now(), config.resendAfterMs);
    if (decision.type === 'adopt') return { type: 'adopt', adopted: decision.record };
    if (decision.type === 'refused') return { type: 'failed', error: decision.error, retryAt: decision.retryAt };
    // The record of the code is written while the code is on its way: by the time the answer is in
    // it has usually been committed, so that a page closed right after "Code sent" still finds it.
    const written = writeRecord(turn.key, turn.place, decision.record);
    const result: ApiResult<void> = await generateOtp({ ...session.identity, sessionId: session.sessionId }, this.#callOptions(config, signal));
    await written;
    if (result.ok) return { type: 'sent', resendAt: decision.resendAt };
    const { error } = result;
    // No code went out: what was stored before stands again.
    if (error.kind !== 'rate-limited') return { type: 'failed', error, record: record ?? undefined, forget: !record };
    const refusal = afterRefusal(record, session, sent, error, clock.now());
    return { type: 'failed', error, retryAt: refusal.retryAt, record: refusal.record };
  }

  async #checkCode(config: FlowConfig, otp: string): Promise<void> {
    if (this.state.status !== 'verifying') return;
    const { session } = this.state;
    const { run, signal } = this.#beginRequest();
    const result = await validateOtp({ ...session.identity, sessionId: session.sessionId, otp }, this.#callOptions(config, signal));
    if (!this.#isCurrent(run)) return;
    if (!result.ok) return this.#fail(result.error);
    void this.#forgetSession();
    this.#stopWebOtp();
    this.#stopTick();
    // The first-factor token has done its work: it is not kept a moment longer than needed.
    this.#config = { ...config, authorizedToken: '' };
    this.#apply({ type: 'verified', result: result.value });
    this.#options.onVerified?.({ ...result.value, sessionId: session.sessionId, deviceId: session.deviceId });
  }

  /** `retryAt`: when a rate limit ends, as worked out from Retry-After or the backoff. */
  #fail(apiError: ApiError, retryAt?: number): void {
    if (apiError.kind === 'aborted') return; // only we abort, and only when the result no longer matters
    const now = clock.now();
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    const error = fromApiError(apiError, offline, now);
    if (retryAt !== undefined) error.retryAt = retryAt;
    this.#apply({ type: 'failed', error, fallbackResendAt: retryAt ?? now + RATE_LIMIT_FALLBACK_MS });
    if (SESSION_CLOSED.has(error.kind)) void this.#forgetSession();
    const state = this.state;
    if (state.status === 'error' && !canVerify(state)) this.#stopWebOtp();
    this.#scheduleTick();
  }

  /** The session is over: its record goes, so that no element or tab takes it up again. */
  async #forgetSession(): Promise<void> {
    await removeRecord(await this.#recordKey);
  }

  // ---- plumbing --------------------------------------------------------------------------

  #apply(event: FlowEvent): void {
    const previous = this.state;
    const next = transition(previous, event);
    if (next === previous) return;
    this.state = next;
    this.#options.onStateChange?.(next, previous);
    this.#host.requestUpdate();
    const error = errorOf(next);
    if (error && error !== errorOf(previous)) this.#options.onError?.(error);
  }

  #track(work: Promise<void>): Promise<void> {
    // Never rejects: a bug inside a step must not become an unhandled rejection on the page.
    const settled = work.catch(() => undefined).finally(() => {
      if (this.#inFlight === settled) this.#inFlight = null;
    });
    this.#inFlight = settled;
    return settled;
  }

  #beginRequest(): { run: number; signal: AbortSignal } {
    this.#requestAbort?.abort();
    this.#requestAbort = new AbortController();
    return { run: ++this.#run, signal: this.#requestAbort.signal };
  }

  #isCurrent(run: number): boolean {
    return this.#connected && run === this.#run;
  }

  #cancelRequests(): void {
    this.#run++;
    this.#requestAbort?.abort();
    this.#requestAbort = null;
    this.#inFlight = null;
    this.#stopWebOtp();
  }

  #callOptions(config: FlowConfig, signal: AbortSignal): CallOptions {
    const options: CallOptions = { baseUrl: config.baseUrl, headers: this.#options.headers(), signal, timeoutMs: config.timeoutMs };
    const fetchImpl = this.#options.fetch();
    if (fetchImpl) options.fetch = fetchImpl;
    return options;
  }

  #knownDeviceId(): string | undefined {
    const id = knownDeviceId();
    if (id) this.generatedDeviceId = id;
    return id;
  }

  async #deviceId(): Promise<string> {
    const id = await getDeviceId();
    this.generatedDeviceId = id;
    return id;
  }

  /** Re-renders at each whole-second boundary of the resend deadline, then stops. */
  #scheduleTick(): void {
    this.#stopTick();
    const resendAt = resendAtOf(this.state);
    if (!this.#connected || resendAt === null) return;
    const left = resendAt - clock.now();
    if (left <= 0) return;
    this.#tickTimer = clock.setTimeout(() => {
      this.#tickTimer = null;
      this.#host.requestUpdate();
      this.#scheduleTick();
    }, left % 1000 || 1000);
  }

  #stopTick(): void {
    if (this.#tickTimer !== null) clock.clearTimeout(this.#tickTimer);
    this.#tickTimer = null;
  }

  /** WebOTP: let the browser offer the code from the SMS; aborted when the flow moves on. */
  #listenForSmsCode(): void {
    this.#stopWebOtp();
    const abort = new AbortController();
    this.#webOtpAbort = abort;
    listenForSmsCode(abort.signal, (code) => {
      if (this.#connected) this.#options.onSmsCode?.(code);
    });
  }

  #stopWebOtp(): void {
    this.#webOtpAbort?.abort();
    this.#webOtpAbort = null;
  }
}

export function isCode(otp: unknown, length: number): otp is string {
  return typeof otp === 'string' && otp.length === length && /^\d+$/.test(otp);
}
