import { LitElement, html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { RawInputs } from './config.js';
import { maskIdentifier } from './config.js';
import type { FlowStatus } from './events.js';
import { clock } from './flow/clock.js';
import { FlowController, canResend, canVerify } from './flow/controller.js';
import { toDetail } from './flow/errors.js';
import { errorOf, recoveryFor, resendAtOf, sessionOf } from './flow/machine.js';
import { format, mergeStrings, type ActiveStrings, type MfaStrings } from './strings.js';
import { styles } from './mfa-otp-flow.styles.js';
import type { MfaErrorDetail } from './events.js';

/**
 * The second factor of Capillary's customer login: opens an MFA session with the first-factor
 * token, sends a one-time code, lets the customer type it and validates it.
 *
 * @summary Drop-in MFA one-time-code step for Capillary logins.
 * @tag mfa-otp-flow
 *
 * @attr {string} base-url - Prefix of every call (`${baseUrl}/auth/v1/mfa/...`); empty means same origin.
 * @attr {string} brand - Brand / organisation name (required).
 * @attr {'MOBILE'|'EMAIL'|'USERNAME'|'EXTERNALID'} identifier-type - Which identifier names the customer. Default MOBILE.
 * @attr {string} identifier-value - The customer's identifier (required). MOBILE values are sent as digits only.
 * @attr {string} device-id - Overrides the generated device ID.
 * @attr {number} otp-length - Digits in the code. Default 6.
 * @attr {number} resend-after - Seconds before "resend" is offered. Default 30.
 * @attr {'verify'|'send'} mode - `send` stops once the code is sent. Default verify.
 * @attr {boolean} manual - Do not start by itself; call `start()`.
 * @attr {number} timeout - Milliseconds before a request gives up. Default 15000.
 * @attr {string} state - Reflected, read-only: the flow's state, for styling.
 *
 * @fires {CustomEvent<MfaStateChangeDetail>} mfa-state-change - Every state change: `{ state, previousState }`.
 * @fires {CustomEvent<MfaOtpSentDetail>} mfa-otp-sent - Each successful send: `{ sessionId, deviceId, attempt, resendAvailableAt }`.
 * @fires {CustomEvent<MfaVerifiedDetail>} mfa-verified - Code validated: `{ token, key, sessionId, deviceId, user }`.
 * @fires {CustomEvent<MfaErrorDetail>} mfa-error - Any failure: `{ step, code, message, retryable, httpStatus?, kind, retryAt? }`.
 *
 * @csspart input - The code field.
 * @csspart submit - The button that verifies the typed code.
 * @csspart resend - The resend button (disabled during the cooldown).
 * @csspart countdown - Whole seconds left before resend is offered (only during the cooldown).
 * @csspart error - The visible error message (only while there is one).
 * @csspart status - Polite live region announcing progress.
 * @csspart retry - The button that retries a failed step or reopens an expired session.
 * @csspart label - The code field's label.
 * @csspart title - The heading.
 *
 * @cssproperty --mfa-otp-font - Font family.
 * @cssproperty --mfa-otp-color - Text colour.
 * @cssproperty --mfa-otp-muted-color - Secondary text colour.
 * @cssproperty --mfa-otp-background - Background of the widget.
 * @cssproperty --mfa-otp-field-background - Background of the code field.
 * @cssproperty --mfa-otp-border-color - Border of the code field.
 * @cssproperty --mfa-otp-accent - Buttons and links.
 * @cssproperty --mfa-otp-accent-contrast - Text on the accent colour.
 * @cssproperty --mfa-otp-error-color - Error text and invalid field border.
 * @cssproperty --mfa-otp-success-color - The verified message.
 * @cssproperty --mfa-otp-focus-ring - Box shadow of the focus ring.
 * @cssproperty --mfa-otp-radius - Corner radius.
 * @cssproperty --mfa-otp-spacing - Base spacing unit.
 * @cssproperty --mfa-otp-code-font-size - Font size of the code field.
 * @cssproperty --mfa-otp-max-width - Maximum width of the widget.
 */
export class MfaOtpFlow extends LitElement {
  static override styles = styles;

  static override properties: PropertyDeclarations = {
    baseUrl: { attribute: 'base-url' },
    brand: {},
    identifierType: { attribute: 'identifier-type' },
    identifierValue: { attribute: 'identifier-value' },
    authorizedToken: { attribute: false },
    deviceId: { attribute: 'device-id', noAccessor: true },
    otpLength: { attribute: 'otp-length' },
    resendAfter: { attribute: 'resend-after' },
    mode: {},
    manual: { type: Boolean },
    timeout: {},
    headers: { attribute: false },
    fetch: { attribute: false },
    strings: { attribute: false },
    code: { state: true },
    offline: { state: true },
    hint: { state: true },
  };

  /** Prefix of every call; '' = same origin. */
  declare baseUrl: string;
  declare brand: string;
  declare identifierType: string;
  declare identifierValue: string;
  /** The first-factor token. A property only: never reflected to an attribute. */
  declare authorizedToken: string;
  /** Digits expected in the code (attribute values arrive as strings and are checked at start). */
  declare otpLength: number | string;
  /** Seconds before resend is offered. */
  declare resendAfter: number | string;
  declare mode: 'verify' | 'send';
  declare manual: boolean;
  /** Milliseconds before a request gives up. */
  declare timeout: number | string;
  /** Extra request headers, e.g. for a proxy. */
  declare headers: Record<string, string>;
  /** Injectable transport; defaults to the global fetch. */
  declare fetch: typeof fetch | undefined;
  /** Partial overrides of the visible strings (see README, "Strings"). */
  declare strings: Partial<MfaStrings>;

  declare private code: string;
  declare private offline: boolean;
  /** Local message for a code that cannot be sent (wrong length); not an mfa-error. */
  declare private hint: string;

  readonly #flow = new FlowController(this);
  #deviceIdValue = '';
  /** Bumps on each new error, so that the alert's content is re-inserted and re-announced. */
  #errorSerial = 0;
  /** What the alert shows (error serial, hint or not) and a bit that flips whenever that changes. */
  #alertKey = '';
  #alertFlip = false;
  #lastError: object | null = null;

  constructor() {
    super();
    this.baseUrl = '';
    this.brand = '';
    this.identifierType = 'MOBILE';
    this.identifierValue = '';
    this.authorizedToken = '';
    this.otpLength = 6;
    this.resendAfter = 30;
    this.mode = 'verify';
    this.manual = false;
    this.timeout = 15_000;
    this.headers = {};
    this.fetch = undefined;
    this.strings = {};
    this.code = '';
    this.offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    this.hint = '';
  }

  // ---- public API ------------------------------------------------------------------------

  /** The device ID in use: the page's override, else the generated one once known. */
  get deviceId(): string {
    return this.#deviceIdValue || this.#flow.generatedDeviceId;
  }
  set deviceId(value: string) {
    const old = this.#deviceIdValue;
    this.#deviceIdValue = typeof value === 'string' ? value.trim() : '';
    this.requestUpdate('deviceId', old);
  }

  /** The flow's state; also reflected to the `state` attribute. */
  get state(): FlowStatus {
    return this.#flow.state.status;
  }

  /** The MFA session id once token generate succeeded, else null. */
  get sessionId(): string | null {
    return sessionOf(this.#flow.state)?.sessionId ?? null;
  }

  /** The current error (the mfa-error detail) or null. */
  get error(): MfaErrorDetail | null {
    const e = errorOf(this.#flow.state);
    return e ? toDetail(e) : null;
  }

  /** Opens the MFA session and sends the code. Resolves when the code is sent or the flow failed. */
  start(): Promise<void> {
    return this.#flow.start();
  }

  /** Sends a new code (after the cooldown), or retries a send that failed. */
  resend(): Promise<void> {
    this.hint = '';
    return this.#flow.resend();
  }

  /** Validates a code. Resolves once the answer is in. Never rejects. */
  verify(otp: string): Promise<void> {
    const value = typeof otp === 'string' ? otp.trim() : '';
    if (this.#flow.state.status === 'verifying') return this.#flow.verify(value);
    if (this.mode !== 'send' && canVerify(this.#flow.state) && !this.#flow.accepts(value)) {
      this.hint = format(this.#s.incomplete, { length: this.#expectedLength });
      return Promise.resolve();
    }
    this.hint = '';
    // Keep a code submitted from script in the field too, so "Try again" retries that code.
    if (this.#flow.accepts(value)) this.code = value;
    return this.#flow.verify(value);
  }

  /** Aborts what is in flight and returns to idle. Does not start again by itself. */
  reset(): void {
    this.code = '';
    this.hint = '';
    this.#flow.reset();
  }

  // ---- host hooks for the controller -----------------------------------------------------

  /** @internal */
  flowInputs(): RawInputs {
    return {
      baseUrl: this.baseUrl ?? '',
      brand: this.brand,
      identifierType: this.identifierType,
      identifierValue: this.identifierValue,
      authorizedToken: this.authorizedToken,
      otpLength: this.otpLength,
      resendAfter: this.resendAfter,
      mode: this.mode,
      timeout: this.timeout,
    };
  }
  /** @internal */
  flowStrings(): ActiveStrings {
    return this.#s;
  }
  /** @internal */
  deviceIdOverride(): string {
    return this.#deviceIdValue;
  }
  /** @internal */
  flowHeaders(): Record<string, string> {
    return this.headers && typeof this.headers === 'object' ? { ...this.headers } : {};
  }
  /** @internal */
  flowFetch(): typeof fetch | undefined {
    return typeof this.fetch === 'function' ? this.fetch : undefined;
  }
  /** @internal */
  flowStateChanged(): void {
    this.setAttribute('state', this.#flow.state.status);
  }
  /** @internal */
  receiveOtp(code: string): void {
    this.code = code.replace(/\D/g, '');
    void this.verify(this.code);
  }

  // ---- lifecycle -------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    this.flowStateChanged();
    window.addEventListener('online', this.#onConnectivity);
    window.addEventListener('offline', this.#onConnectivity);
    this.offline = navigator.onLine === false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.#onConnectivity);
    window.removeEventListener('offline', this.#onConnectivity);
    this.flowStateChanged();
  }

  #previousStatus: FlowStatus = 'idle';
  #focusPending = false;

  protected override willUpdate(): void {
    // Starting here (not in updated()) keeps the state change inside this update cycle.
    this.#flow.maybeAutoStart();
    const status = this.#flow.state.status;
    const error = errorOf(this.#flow.state);
    if (status !== this.#previousStatus && status === 'code-sent') {
      this.#focusPending = true;
      // A new code makes whatever was typed for the previous one meaningless.
      if (this.#previousStatus === 'sending') this.code = '';
    }
    if (error !== this.#lastError) {
      this.#lastError = error;
      if (error) this.#errorSerial++;
      // A wrong code: clear the field so the customer types the next attempt from scratch.
      if (error?.kind === 'invalid-code') {
        this.code = '';
        this.#focusPending = true;
      }
    }
    this.#previousStatus = status;
    const alertKey = `${this.#errorSerial}${this.hint ? 'h' : ''}`;
    if (alertKey !== this.#alertKey) {
      this.#alertKey = alertKey;
      this.#alertFlip = !this.#alertFlip;
    }
  }

  protected override updated(): void {
    if (this.#focusPending) {
      this.#focusPending = false;
      this.renderRoot.querySelector<HTMLInputElement>('[part="input"]')?.focus();
    }
  }

  // ---- rendering -------------------------------------------------------------------------

  get #s(): ActiveStrings {
    return mergeStrings(this.strings);
  }

  get #expectedLength(): number {
    return this.#flow.flowConfig?.otpLength ?? (Number(this.otpLength) || 6);
  }

  get #destination(): string {
    const config = this.#flow.flowConfig;
    // Isolated left-to-right, so "••••4754" does not turn into "4754••••" inside RTL text.
    return config ? `\u2066${maskIdentifier(config.identifierType, config.identifierValue)}\u2069` : '';
  }

  protected override render(): TemplateResult {
    const s = this.#s;
    const state = this.#flow.state;
    const error = errorOf(state);
    const showField = this.mode !== 'send' && (state.status === 'verifying' || canVerify(state));
    return html`
      <h2 part="title">${s.title}</h2>
      <p part="status" role="status" aria-live="polite">${this.#statusText(s)}</p>
      ${showField ? this.#renderField(s, error !== null) : nothing}
      ${this.#renderError()}
      <div class="row">${this.#renderRecovery(s)} ${this.#renderResend(s)}</div>
    `;
  }

  #statusText(s: ActiveStrings): TemplateResult | string {
    if (this.offline) return s.offline;
    const state = this.#flow.state;
    const destination = this.#destination;
    switch (state.status) {
      case 'starting':
        // "Preparing" only while the device ID is still being worked out (fingerprinting, on a
        // first visit); once it is known the code is on its way, and opening the session and
        // sending the code read as one step, with no change of text (or of layout) between them.
        return this.#busy(this.deviceId ? format(s.sending, { destination }) : s.starting);
      case 'sending':
        if (this.#secondsLeft > 0) return format(s.sendingSoon, { destination });
        return this.#busy(format(s.sending, { destination }));
      case 'code-sent':
        return format(s.codeSent, { destination });
      case 'verifying':
        return this.#busy(s.verifying);
      case 'verified':
        return html`<span class="verified">${s.verified}</span>`;
      default:
        return '';
    }
  }

  /** One template for every in-progress text, so that moving between them only updates the text. */
  #busy(text: string): TemplateResult {
    return html`<span class="spinner" aria-hidden="true"></span>${text}`;
  }

  #renderField(s: ActiveStrings, invalid: boolean): TemplateResult {
    const length = this.#expectedLength;
    const busy = this.#flow.state.status === 'verifying';
    return html`
      <form @submit=${this.#onSubmit} novalidate>
        <label part="label" for="code">${s.label}</label>
        <p class="hint" id="hint">${format(s.hint, { length })}</p>
        <div class="entry">
          <input
            id="code"
            part="input"
            name="one-time-code"
            type="text"
            autocomplete="one-time-code"
            inputmode="numeric"
            pattern="[0-9]*"
            dir="ltr"
            spellcheck="false"
            maxlength=${length}
            aria-describedby="hint error"
            aria-invalid=${invalid || this.hint ? 'true' : 'false'}
            ?readonly=${busy}
            .value=${this.code}
            @input=${this.#onInput}
            @paste=${this.#onPaste}
          />
          <button part="submit" class="primary" type="submit" ?disabled=${this.offline || busy}>${s.submit}</button>
        </div>
      </form>
    `;
  }

  #renderError(): TemplateResult | typeof nothing {
    const error = errorOf(this.#flow.state);
    const text = this.hint || error?.message;
    if (!text) return nothing;
    // Integration problems also show the vendor's code and words: the developer is the reader.
    const developer =
      error && !this.hint && (error.kind === 'integration-mismatch' || error.kind === 'bad-input')
        ? html`<span class="developer">${error.code}: ${error.detail}</span>`
        : nothing;
    // Two templates in turn: lit replaces the nodes when the template changes, so a new (even
    // identical) message is re-inserted, which is what makes screen readers announce an alert again.
    // lit's keyed() without the directive's bytes. Their static text must differ, or the minifier
    // folds the two branches into one.
    const content = this.#alertFlip
      ? html`<span>${text}</span>${developer}`
      : html`<span data-again>${text}</span>${developer}`;
    return html`<div id="error" part="error" role="alert">${content}</div>`;
  }

  #renderRecovery(s: ActiveStrings): TemplateResult | typeof nothing {
    const recovery = recoveryFor(this.#flow.state);
    if (!recovery || recovery === 'resend') return nothing;
    const label = recovery === 'reopen' ? s.sendNew : s.retry;
    return html`<button part="retry" class="primary" type="button" ?disabled=${this.offline} @click=${this.#onRecover}>
      ${label}
    </button>`;
  }

  /** Whole seconds left before a new code may be requested (0 when resend is open). */
  get #secondsLeft(): number {
    const resendAt = resendAtOf(this.#flow.state);
    return resendAt === null ? 0 : Math.max(0, Math.ceil((resendAt - clock.now()) / 1000));
  }

  #renderResend(s: ActiveStrings): TemplateResult | typeof nothing {
    const state = this.#flow.state;
    const left = this.#secondsLeft;
    const shown =
      state.status === 'code-sent' ||
      state.status === 'verifying' ||
      (state.status === 'sending' && left > 0) ||
      (state.status === 'error' && (recoveryFor(state) === 'resend' || canVerify(state)));
    if (!shown) return nothing;
    const label =
      state.status === 'error' && state.sent === 0 ? s.send : state.status === 'error' && state.error.kind === 'code-expired' ? s.sendNew : s.resend;
    const disabled = this.offline || !canResend(state, clock.now()); // closed during the cooldown too
    return html`
      <button part="resend" class="secondary" type="button" ?disabled=${disabled} @click=${this.#onResend}>${label}</button>
      ${left > 0 ? html`<span class="hint">${s.resendIn} <span part="countdown">${left}</span> ${s.seconds}</span>` : nothing}
    `;
  }

  // ---- user intent -----------------------------------------------------------------------

  readonly #onConnectivity = (): void => {
    this.offline = navigator.onLine === false;
  };

  #onInput(event: InputEvent): void {
    const input = event.target as HTMLInputElement;
    this.#acceptTyped(input.value, input);
  }

  #onPaste(event: ClipboardEvent): void {
    // The browser would cut pasted text to maxlength before we see it ("Your code is 123456"
    // → "Your c"), so take the paste ourselves and keep only its digits.
    const text = event.clipboardData?.getData('text') ?? '';
    event.preventDefault();
    this.#acceptTyped(text, event.target as HTMLInputElement);
  }

  #acceptTyped(raw: string, input: HTMLInputElement): void {
    const length = this.#expectedLength;
    const digits = raw.replace(/\D/g, '').slice(0, length);
    const wasComplete = this.code.length === length;
    this.code = digits;
    this.hint = '';
    if (input.value !== digits) input.value = digits;
    // Submit on the transition to full length only, so editing a full code does not resubmit.
    if (digits.length === length && !wasComplete) void this.verify(digits);
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    void this.verify(this.code);
  }

  #onResend(): void {
    void this.resend();
  }

  #onRecover(): void {
    switch (recoveryFor(this.#flow.state)) {
      case 'retry-start':
      case 'reopen':
        void this.start();
        break;
      case 'retry-send':
        void this.resend();
        break;
      case 'retry-verify':
        void this.verify(this.code);
        break;
    }
  }

}

declare global {
  interface HTMLElementTagNameMap {
    'mfa-otp-flow': MfaOtpFlow;
  }
}
