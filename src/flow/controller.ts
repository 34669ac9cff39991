// The flow's controller: owns every request, timer and abort signal, feeds results to the pure
// machine (machine.ts) and reports what happened through the callbacks it was given. It renders
// nothing, knows no customer text and needs nothing of its host but a ReactiveControllerHost, the
// way @lit/task is driven: `new FlowController(host, { inputs: () => …, onVerified: … })`.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { generateOtp, generateToken, validateOtp } from '../api/client.js';
import type { ApiError, AuthSuccess, CallOptions, Identity } from '../api/types.js';
import { getDeviceId, knownDeviceId } from '../device/device-id.js';
import { clock } from './clock.js';
import { clearCooldown, readCooldown, saveCooldown } from './cooldown-store.js';
import { configError, fromApiError, type FlowError } from './flow-error.js';
import { checkInputs, type FlowConfig, type RawInputs } from './inputs.js';
import {
  IDLE,
  canResend,
  canStart,
  canVerify,
  errorOf,
  resendAtOf,
  sessionOf,
  transition,
  type FlowEvent,
  type FlowState,
} from './machine.js';
import { listenForSmsCode } from './web-otp.js';

/** Without a Retry-After header we cannot know the vendor's window; a minute is a modest guess. */
export const RATE_LIMIT_FALLBACK_MS = 60_000;

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

  reset(): void {
    this.#cancelRequests();
    this.#stopTick();
    this.#config = null;
    this.#apply({ type: 'reset' });
  }

  /**
   * The customer's way out: aborts what is in flight and returns to idle (not once verified). Sends
   * nothing, and does not start again by itself for the same first-factor token.
   */
  cancel(): void {
    if (this.state.status === 'verified') return;
    this.#cancelRequests();
    this.#stopTick();
    this.#config = null;
    this.#apply({ type: 'cancel' });
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
    const result = await generateToken({ ...identity, authorizedToken: config.authorizedToken }, this.#callOptions(config, signal));
    if (!this.#isCurrent(run)) return;
    if (!result.ok) return this.#fail(result.error);
    const session = { sessionId: result.value.sessionId, deviceId, identity };
    this.#apply({ type: 'opened', session, cooldownUntil: readCooldown(identity, clock.now()) });
    return this.#sendCode(config);
  }

  async #sendCode(config: FlowConfig): Promise<void> {
    if (this.state.status !== 'sending') return;
    const { session, resendAt: notBefore } = this.state;
    const { run, signal } = this.#beginRequest();
    // A code went out for this customer moments ago (before a reload, a reset or a reopened
    // session): a new one waits for that cooldown, so reloading cannot skip it.
    if (notBefore !== null && notBefore > clock.now()) {
      this.#scheduleTick();
      await this.#sleepUntil(notBefore, signal);
      if (!this.#isCurrent(run)) return;
    }
    const result = await generateOtp({ ...session.identity, sessionId: session.sessionId }, this.#callOptions(config, signal));
    if (!this.#isCurrent(run)) return;
    if (!result.ok) return this.#fail(result.error);
    const resendAt = clock.now() + config.resendAfterMs;
    saveCooldown(session.identity, resendAt);
    this.#apply({ type: 'sent', resendAt });
    const sent = this.state as FlowState;
    this.#options.onOtpSent?.({
      sessionId: session.sessionId,
      deviceId: session.deviceId,
      attempt: sent.status === 'code-sent' ? sent.sent : 1,
      resendAvailableAt: resendAt,
    });
    this.#scheduleTick();
    if (config.mode === 'verify') this.#listenForSmsCode();
  }

  async #checkCode(config: FlowConfig, otp: string): Promise<void> {
    if (this.state.status !== 'verifying') return;
    const { session } = this.state;
    const { run, signal } = this.#beginRequest();
    const result = await validateOtp({ ...session.identity, sessionId: session.sessionId, otp }, this.#callOptions(config, signal));
    if (!this.#isCurrent(run)) return;
    if (!result.ok) return this.#fail(result.error);
    clearCooldown(session.identity);
    this.#stopWebOtp();
    this.#stopTick();
    this.#apply({ type: 'verified', result: result.value });
    this.#options.onVerified?.({ ...result.value, sessionId: session.sessionId, deviceId: session.deviceId });
  }

  #fail(apiError: ApiError): void {
    if (apiError.kind === 'aborted') return; // only we abort, and only when the result no longer matters
    const now = clock.now();
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    this.#apply({ type: 'failed', error: fromApiError(apiError, offline, now), fallbackResendAt: now + RATE_LIMIT_FALLBACK_MS });
    const state = this.state;
    const session = sessionOf(state);
    const resendAt = resendAtOf(state);
    if (state.status === 'error' && state.error.kind === 'rate-limited' && session && resendAt) saveCooldown(session.identity, resendAt);
    if (state.status === 'error' && !canVerify(state)) this.#stopWebOtp();
    this.#scheduleTick();
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

  #sleepUntil(deadline: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = clock.setTimeout(resolve, deadline - clock.now());
      signal.addEventListener('abort', () => (clock.clearTimeout(timer), resolve()), { once: true });
    });
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
