// The flow's controller: owns every request, timer and abort signal, feeds results to the pure
// machine (machine.ts) and tells the page through events. It renders nothing.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { otpRequest, tokenRequest, validateRequest } from '../api/requests.js';
import { send, type ApiRequest } from '../api/transport.js';
import type { ApiError, ApiResult, CallOptions, Identity } from '../api/types.js';
import { checkInputs, type FlowConfig, type RawInputs } from '../config.js';
import { getDeviceId, knownDeviceId } from '../device-id.js';
import { mfaEvent } from '../events.js';
import type { ActiveStrings } from '../strings.js';
import { clock } from './clock.js';
import { configError, describeWith, toDetail, unloadedError } from './errors.js';
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

// What is needed only once an answer is in (after-answer.ts) loads in its own chunk from connect on.
// A chunk that failed to load is fetched again by the next call.
type AfterAnswer = typeof import('./after-answer.js');
let afterAnswer: Promise<AfterAnswer> | null = null;
const loadAfterAnswer = (): Promise<AfterAnswer> =>
  (afterAnswer ??= import('./after-answer.js').catch((cause: unknown) => {
    afterAnswer = null;
    throw cause;
  }));

/** Without a Retry-After header we cannot know the vendor's window; a minute is a modest guess. */
export const RATE_LIMIT_FALLBACK_MS = 60_000;

export interface FlowHost extends ReactiveControllerHost, HTMLElement {
  flowInputs(): RawInputs;
  flowStrings(): ActiveStrings;
  /** The page's device ID override, or '' to use the generated one. */
  deviceIdOverride(): string;
  flowHeaders(): Record<string, string>;
  flowFetch(): typeof fetch | undefined;
  manual: boolean;
  authorizedToken: string;
  /** Called synchronously on every state change, before any event, so `state` reflects at once. */
  flowStateChanged(): void;
  /** A code that arrived through WebOTP: the host fills the field and verifies. */
  receiveOtp(code: string): void;
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
  /** The after-answer chunk, set by the first call whose answer was read (so always, after an answer). */
  #later: AfterAnswer | null = null;
  #inFlight: Promise<void> | null = null;
  #tickTimer: unknown = null;
  /** The first-factor token the flow last started by itself with; auto-start waits for a new one. */
  #autoStartedWith: string | null = null;

  readonly #host: FlowHost;

  constructor(host: FlowHost) {
    this.#host = host;
    host.addController(this);
  }

  // ---- lifecycle -------------------------------------------------------------------------

  hostConnected(): void {
    this.#connected = true;
    // First, so that on a returning visit the first request leaves before anything else is set up.
    this.maybeAutoStart();
    // Start fingerprinting now (if the flow has not), while the page is still fetching the
    // first-factor token, and the after-answer chunk with it.
    if (!this.#host.deviceIdOverride()) void this.#deviceId();
    void loadAfterAnswer().catch(() => undefined); // a failure is reported by the call that needs it
    this.#scheduleTick();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#cancelRequests();
    this.#stopTick();
    const before = this.state;
    this.state = transition(this.state, { type: 'interrupted' });
    this.#host.flowStateChanged();
    // Interrupted before a code existed: the chain starts over when the element comes back.
    if (this.state.status === 'idle' && before.status !== 'idle') this.#autoStartedWith = null;
  }

  /** Called by the host after each update: starts the flow once per first-factor token. */
  maybeAutoStart(): void {
    const token = this.#host.authorizedToken;
    if (!this.#connected || this.#host.manual || !token || token === this.#autoStartedWith) return;
    if (this.state.status !== 'idle' && this.state.status !== 'error') return;
    this.#autoStartedWith = token;
    if (this.state.status === 'error') this.#apply({ type: 'reset' });
    void this.start();
  }

  // ---- intents ---------------------------------------------------------------------------

  start(): Promise<void> {
    if (this.state.status === 'starting' || this.state.status === 'sending') return this.#inFlight ?? Promise.resolve();
    if (!canStart(this.state)) return Promise.resolve();
    const checked = checkInputs(this.#host.flowInputs());
    if (!checked.ok) {
      this.#apply({ type: 'failed', error: configError(checked.problem, this.#host.flowStrings()), fallbackResendAt: 0 });
      return Promise.resolve();
    }
    this.#config = checked.config;
    this.#autoStartedWith = this.#host.authorizedToken; // started with this token: no auto-start again for it
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

  /** Whether a typed value would be accepted by verify() right now. */
  accepts(otp: string): boolean {
    return !!this.#config && isCode(otp, this.#config.otpLength);
  }

  get flowConfig(): FlowConfig | null {
    return this.#config;
  }

  // ---- steps -----------------------------------------------------------------------------

  async #open(config: FlowConfig): Promise<void> {
    const { run, signal } = this.#beginRequest();
    // A known ID is taken without an await, so that on a returning visit the request leaves in the
    // task the element connects in, ahead of its first render.
    let deviceId = this.#host.deviceIdOverride() || this.#knownDeviceId();
    if (!deviceId) {
      deviceId = await this.#deviceId();
      if (!this.#isCurrent(run)) return;
      this.#host.requestUpdate(); // the status moves on from "Preparing"
    }
    const identity = {
      identifierType: config.identifierType,
      identifierValue: config.identifierValue,
      deviceId,
      brand: config.brand,
    };
    const answer = this.#call(tokenRequest({ ...identity, authorizedToken: config.authorizedToken }), config, signal);
    const cooldown = this.#storedCooldown(identity);
    const result = await answer;
    if (!this.#isCurrent(run)) return;
    if (!result.ok) return this.#fail(result.error);
    const session = { sessionId: result.value.user.sessionId, deviceId, identity };
    this.#apply({ type: 'opened', session, cooldownUntil: await cooldown });
    return this.#sendCode(config);
  }

  /**
   * A resend deadline still running for this identity (before a reload, say). Read while the token
   * request is on its way: a page's first sessionStorage access makes the browser load the storage
   * area, which took 2 to 4 ms here, and that is better spent waiting than after the answer.
   */
  async #storedCooldown(identity: Identity): Promise<number | null> {
    try {
      return (await loadAfterAnswer()).readCooldown(identity, clock.now());
    } catch {
      return null; // the chunk did not load: the token call fails the same way
    }
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
    const result = await this.#call(otpRequest({ ...session.identity, sessionId: session.sessionId }), config, signal);
    if (!this.#isCurrent(run)) return;
    if (!result.ok) return this.#fail(result.error);
    const resendAt = clock.now() + config.resendAfterMs;
    this.#later?.saveCooldown(session.identity, resendAt);
    this.#apply({ type: 'sent', resendAt });
    const sent = this.state as FlowState;
    this.#emit(
      mfaEvent('mfa-otp-sent', {
        sessionId: session.sessionId,
        deviceId: session.deviceId,
        attempt: sent.status === 'code-sent' ? sent.sent : 1,
        resendAvailableAt: resendAt,
      }),
    );
    this.#scheduleTick();
    if (config.mode === 'verify') this.#listenForSmsCode();
  }

  async #checkCode(config: FlowConfig, otp: string): Promise<void> {
    if (this.state.status !== 'verifying') return;
    const { session } = this.state;
    const { run, signal } = this.#beginRequest();
    const result = await this.#call(validateRequest({ ...session.identity, sessionId: session.sessionId, otp }), config, signal);
    if (!this.#isCurrent(run)) return;
    if (!result.ok) return this.#fail(result.error);
    this.#later?.clearCooldown(session.identity);
    this.#stopWebOtp();
    this.#stopTick();
    this.#apply({ type: 'verified', result: result.value });
    const { token, key, user } = result.value;
    this.#emit(mfaEvent('mfa-verified', { token, key, user, sessionId: session.sessionId, deviceId: session.deviceId }));
  }

  #fail(apiError: ApiError): void {
    if (apiError.kind === 'aborted') return; // only we abort, and only when the result no longer matters
    const now = clock.now();
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    const strings = this.#host.flowStrings();
    // Without the after-answer chunk no answer was read: the chunk itself failed to load.
    const error = this.#later
      ? this.#later.fromApiError(apiError, describeWith(strings), offline, now)
      : unloadedError(apiError, strings, offline);
    this.#apply({ type: 'failed', error, fallbackResendAt: now + RATE_LIMIT_FALLBACK_MS });
    const state = this.state;
    const session = sessionOf(state);
    const resendAt = resendAtOf(state);
    if (error.kind === 'rate-limited' && session && resendAt) this.#later?.saveCooldown(session.identity, resendAt);
    if (state.status === 'error' && !canVerify(state)) this.#stopWebOtp();
    this.#scheduleTick();
  }

  // ---- plumbing --------------------------------------------------------------------------

  #apply(event: FlowEvent): void {
    const previous = this.state;
    const next = transition(previous, event);
    if (next === previous) return;
    this.state = next;
    this.#host.flowStateChanged();
    this.#host.requestUpdate();
    if (next.status !== previous.status) {
      this.#emit(mfaEvent('mfa-state-change', { state: next.status, previousState: previous.status }));
    }
    const error = errorOf(next);
    if (error && error !== errorOf(previous)) this.#emit(mfaEvent('mfa-error', toDetail(error)));
  }

  #emit(event: Event): void {
    // The contract: no mfa-* event once the element has left the document.
    if (this.#connected) this.#host.dispatchEvent(event);
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

  /** Sends now; the answer is read once both it and the after-answer chunk are in. */
  async #call<T>(request: ApiRequest<T>, config: FlowConfig, signal: AbortSignal): Promise<ApiResult<T>> {
    const answer = send(this.#callOptions(config, signal), () => request);
    try {
      const later = await loadAfterAnswer();
      this.#later = later;
      return later.readAnswer(request, await answer);
    } catch {
      // The after-answer chunk could not be fetched (offline, a dropped connection). #later stays
      // null, so #fail reports it as unloadedError: retryable, and the next try fetches it again.
      return {
        ok: false,
        error: { step: request.step, kind: 'network', code: 'network', message: 'The MFA client could not be loaded', retryable: true },
      };
    }
  }

  #callOptions(config: FlowConfig, signal: AbortSignal): CallOptions {
    const options: CallOptions = {
      baseUrl: config.baseUrl,
      headers: this.#host.flowHeaders(),
      signal,
      timeoutMs: config.timeoutMs,
    };
    const fetchImpl = this.#host.flowFetch();
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
    this.#later?.listenForSmsCode(abort.signal, (code) => {
      if (this.#connected) this.#host.receiveOtp(code);
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

export { canResend, canVerify };
