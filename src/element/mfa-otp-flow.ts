import { LitElement, html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { clock } from '../flow/clock.js';
import { FlowController } from '../flow/controller.js';
import type { FlowError } from '../flow/flow-error.js';
import type { RawInputs } from '../flow/inputs.js';
import type { IdentifierType } from '../api/types.js';
import { canVerify, errorOf, recoveryFor, sessionOf, type FlowState, type FlowStatus } from '../flow/machine.js';
import { cleanStrings, format, type MfaStrings } from '../strings/strings.js';
import { asciiDigits, digitsOnly } from './digits.js';
import { mfaEvent, type MfaErrorDetail, type MfaEventMap } from './events.js';
import { styles } from './styles.js';
import { errorText, maskIdentifier, text, viewOf, type Text, type View } from './view.js';

/**
 * Numeric attributes read back as numbers (`otp-length="4"` → 4). A malformed value becomes NaN,
 * which the input check at start reports as a config error, as it did the string.
 */
function numberAttribute(fallback: number) {
  return {
    fromAttribute: (value: string | null): number => (value === null ? fallback : value.trim() === '' ? Number.NaN : Number(value)),
  };
}

/** Stands in for `{seconds}` while a text is split around the countdown (a private-use character). */
const SECONDS_MARK = '\uE000';

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
 * @attr {boolean} cancelable - Shows `[part~=cancel]`, the customer's way out ("Back", or "Sign in again" once only that can help).
 * @attr {number} timeout - Milliseconds before a request gives up. Default 15000.
 * @attr {string} state - Reflected, read-only: the flow's state, for styling.
 *
 * @fires {CustomEvent<MfaStateChangeDetail>} mfa-state-change - Every state change: `{ state, previousState }`.
 * @fires {CustomEvent<MfaOtpSentDetail>} mfa-otp-sent - Each successful send: `{ sessionId, deviceId, attempt, resendAvailableAt }`.
 * @fires {CustomEvent<MfaVerifiedDetail>} mfa-verified - Code validated: `{ token, key, sessionId, deviceId, user }`.
 * @fires {CustomEvent<MfaResumedDetail>} mfa-resumed - A live session was taken up instead of sending a code (reload, remount, another tab): `{ sessionId, deviceId, attempt, resendAvailableAt }`.
 * @fires {CustomEvent<MfaErrorDetail>} mfa-error - Any failure: `{ step, code, message, retryable, httpStatus?, kind, retryAt? }`.
 * @fires {CustomEvent<MfaCancelDetail>} mfa-cancel - The customer pressed `[part~=cancel]`: `{ reason }`, `"user"` or `"restart"` (only a new sign-in can help).
 *
 * @csspart input - The code field.
 * @csspart submit - The button that verifies the typed code.
 * @csspart resend - The resend button: "Resend in 0:28" (disabled) during the cooldown, then "Resend code".
 * @csspart countdown - Whole seconds left before resend is offered, as a number (only during the cooldown; read by screen readers as the resend button's description).
 * @csspart error - The visible error message (only while there is one).
 * @csspart status - Polite live region announcing progress.
 * @csspart retry - The button that retries a failed step or reopens an expired session.
 * @csspart cancel - The way out, with `cancelable` (every state but verified): aborts, returns to idle, emits `mfa-cancel`.
 * @csspart label - The code field's label.
 * @csspart title - The heading.
 *
 * @cssproperty [--mfa-otp-font=system-ui, sans-serif] - Font family.
 * @cssproperty [--mfa-otp-color=#1d1d1f] - Text colour.
 * @cssproperty [--mfa-otp-muted-color=#5b5b66] - Secondary text colour.
 * @cssproperty [--mfa-otp-background=#ffffff] - Background of the widget.
 * @cssproperty [--mfa-otp-field-background=#ffffff] - Background of the code field.
 * @cssproperty [--mfa-otp-border-color=#8a8a96] - Border of the code field.
 * @cssproperty [--mfa-otp-accent=#2456d6] - Buttons and links.
 * @cssproperty [--mfa-otp-accent-contrast=#ffffff] - Text on the accent colour.
 * @cssproperty [--mfa-otp-error-color=#b3261e] - Error text and invalid field border.
 * @cssproperty [--mfa-otp-success-color=#1b7f3b] - The verified message.
 * @cssproperty [--mfa-otp-focus-ring=0 0 0 3px rgb(36 86 214 / 45%)] - Box shadow of the focus ring.
 * @cssproperty [--mfa-otp-radius=10px] - Corner radius.
 * @cssproperty [--mfa-otp-spacing=16px] - Base spacing unit.
 * @cssproperty [--mfa-otp-code-font-size=1.75rem] - Font size of the code field.
 * @cssproperty [--mfa-otp-max-width=26rem] - Maximum width of the widget.
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
    otpLength: { attribute: 'otp-length', converter: numberAttribute(6) },
    resendAfter: { attribute: 'resend-after', converter: numberAttribute(30) },
    mode: {},
    manual: { type: Boolean },
    cancelable: { type: Boolean },
    timeout: { converter: numberAttribute(15_000) },
    headers: { attribute: false },
    fetch: { attribute: false },
    strings: { attribute: false },
  };

  /** Prefix of every call; '' = same origin. */
  declare baseUrl: string;
  declare brand: string;
  declare identifierType: IdentifierType;
  declare identifierValue: string;
  /** The first-factor token. A property only: never reflected to an attribute. */
  declare authorizedToken: string;
  /** Digits expected in the code (checked at start: a whole number from 4 to 12). */
  declare otpLength: number;
  /** Seconds before resend is offered. */
  declare resendAfter: number;
  declare mode: 'verify' | 'send';
  declare manual: boolean;
  /** Whether the customer is offered a way out (`[part~=cancel]`, `mfa-cancel`). */
  declare cancelable: boolean;
  /** Milliseconds before a request gives up. */
  declare timeout: number;
  /** Extra request headers, e.g. for a proxy. */
  declare headers: Record<string, string>;
  /** Injectable transport; defaults to the global fetch. */
  declare fetch: typeof fetch | undefined;
  /** Partial overrides of the visible strings (see README, "Strings"). */
  declare strings: Partial<MfaStrings>;

  // What the customer typed, whether the browser is offline, and a local message about the typed
  // code: the element's own facts, beside the flow's state. Private fields, re-rendered by hand.
  #code = '';
  #offline = false;
  #hint: Text | null = null;

  readonly #flow = new FlowController(this, {
    inputs: () => this.#inputs(),
    autoStart: () => !this.manual,
    deviceId: () => this.#deviceIdValue,
    headers: () => (this.headers && typeof this.headers === 'object' ? { ...this.headers } : {}),
    fetch: () => (typeof this.fetch === 'function' ? this.fetch : undefined),
    onStateChange: (state, previous) => this.#stateChanged(state, previous),
    onError: (error) => this.#emit(mfaEvent('mfa-error', this.#detailOf(error))),
    onOtpSent: (sent) => this.#emit(mfaEvent('mfa-otp-sent', sent)),
    onResumed: (resumed) => this.#emit(mfaEvent('mfa-resumed', resumed)),
    onVerified: (verified) => {
      this.#emit(mfaEvent('mfa-verified', verified));
      // The first-factor token is spent: the element forgets it once the page has heard.
      this.authorizedToken = '';
    },
    onSmsCode: (code) => {
      this.#code = digitsOnly(code);
      void this.verify(this.#code);
    },
  });
  #deviceIdValue = '';
  /** True for the one frame in which a repeated error's alert is empty, so that it is announced again. */
  #alertBlank = false;
  #focusPending = false;
  /** The customer's focus was in the widget before this update: if the update removed or disabled
   *  what had it, it goes to the next useful control instead of the page's body. */
  #owesFocus = false;

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
    this.cancelable = false;
    this.timeout = 15_000;
    this.headers = {};
    this.fetch = undefined;
    this.strings = {};
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

  /** The current error (the mfa-error detail, in the current language) or null. */
  get error(): MfaErrorDetail | null {
    const error = errorOf(this.#flow.state);
    return error ? this.#detailOf(error) : null;
  }

  /** Opens the MFA session and sends the code. Resolves when the code is sent or the flow failed. */
  start(): Promise<void> {
    return this.#flow.start();
  }

  /** Sends a new code (after the cooldown), or retries a send that failed. */
  resend(): Promise<void> {
    this.#setHint(null);
    return this.#flow.resend();
  }

  /** Validates a code. Resolves once the answer is in. Never rejects. */
  verify(otp: string): Promise<void> {
    // Digits of any script count: "١٢٣٤٥٦" is the code 123456.
    const value = typeof otp === 'string' ? asciiDigits(otp.trim()) : '';
    if (this.#flow.state.status === 'verifying') return this.#flow.verify(value);
    if (this.mode !== 'send' && canVerify(this.#flow.state) && !this.#flow.accepts(value)) {
      this.#setHint(text('incomplete', { length: this.#expectedLength }));
      return Promise.resolve();
    }
    this.#setHint(null);
    // Keep a code submitted from script in the field too, so "Try again" retries that code.
    if (this.#flow.accepts(value)) this.#code = value;
    return this.#flow.verify(value);
  }

  /** Aborts what is in flight and returns to idle. Does not start again by itself. */
  reset(): void {
    this.#code = '';
    this.#setHint(null);
    this.#flow.reset();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    this.#reflectState();
    window.addEventListener('online', this.#onConnectivity);
    window.addEventListener('offline', this.#onConnectivity);
    this.#offline = navigator.onLine === false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.#onConnectivity);
    window.removeEventListener('offline', this.#onConnectivity);
  }

  protected override willUpdate(): void {
    // Starting here (not in updated()) keeps the state change inside this update cycle.
    this.#flow.maybeAutoStart();
    if (this.shadowRoot?.activeElement) this.#owesFocus = true;
  }

  protected override updated(): void {
    if (this.#focusPending) {
      this.#focusPending = false;
      this.renderRoot.querySelector<HTMLInputElement>('[part="input"]')?.focus();
    }
    this.#restoreFocus();
    if (this.#alertBlank) {
      // The alert was emptied for this frame; its text comes back in the next one, which screen
      // readers announce as a new alert even when the words are the same as before.
      requestAnimationFrame(() => {
        this.#alertBlank = false;
        this.requestUpdate();
      });
    }
  }

  #stateChanged(state: FlowState, previous: FlowState): void {
    this.#reflectState();
    if (state.status === 'code-sent' && previous.status !== 'code-sent') {
      this.#focusPending = true;
      // A new code makes whatever was typed for the previous one meaningless.
      if (previous.status === 'sending') this.#code = '';
    }
    const error = errorOf(state);
    if (error && error !== errorOf(previous)) {
      this.#alertBlank = errorOf(previous) !== null || this.#hint !== null;
      // A wrong code: clear the field so the customer types the next attempt from scratch.
      if (error.kind === 'invalid-code') {
        this.#code = '';
        this.#focusPending = true;
      }
    }
    if (state.status !== previous.status) {
      this.#emit(mfaEvent('mfa-state-change', { state: state.status, previousState: previous.status }));
    }
  }

  /** Where focus goes when what had it disappeared: never the page's body. */
  #restoreFocus(): void {
    if (!this.#owesFocus) return;
    const root = this.shadowRoot!;
    const active = root.activeElement as HTMLElement | null;
    if (active && !(active as HTMLButtonElement).disabled) {
      this.#owesFocus = false;
      return;
    }
    // The customer moved on to something else in the page: leave their focus alone.
    const outside = (this.getRootNode() as Document | ShadowRoot).activeElement;
    if (outside && outside !== this && outside !== document.body) {
      this.#owesFocus = false;
      return;
    }
    const target = this.#focusTarget();
    if (target) {
      target.focus();
      this.#owesFocus = false;
    }
    // Nothing to focus yet (a step in flight): the next update that shows a control takes it.
  }

  #focusTarget(): HTMLElement | null {
    const find = (selector: string) => {
      const found = this.renderRoot.querySelector<HTMLElement>(selector);
      return found && !(found as HTMLButtonElement).disabled ? found : null;
    };
    const field = this.renderRoot.querySelector<HTMLInputElement>('[part~="input"]');
    if (field) return field;
    const status = this.#flow.state.status;
    // While a step is in flight, wait for its outcome rather than park focus on the way out.
    if (status === 'starting' || status === 'sending' || status === 'verifying') return null;
    return find('[part~="retry"]') ?? find('[part~="resend"]') ?? find('[part~="cancel"]') ?? find('[part~="error"]');
  }

  #reflectState(): void {
    this.setAttribute('state', this.#flow.state.status);
  }

  #setHint(hint: Text | null): void {
    if (hint && this.#hint) this.#alertBlank = true; // the same hint again is announced again
    this.#hint = hint;
    this.requestUpdate();
  }

  #emit<K extends keyof MfaEventMap>(event: MfaEventMap[K]): void {
    // The contract: no mfa-* event once the element has left the document.
    if (this.isConnected) this.dispatchEvent(event);
  }

  /** The error as the page reads it: the flow's facts plus the customer's text in the current strings. */
  #detailOf(error: FlowError): MfaErrorDetail {
    return { ...error, message: this.#text(errorText(error)) };
  }

  #inputs(): RawInputs {
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

  // ---- rendering -------------------------------------------------------------------------

  #text(t: Text): string {
    return format(cleanStrings(this.strings), t.key, t.values as never);
  }

  get #expectedLength(): number {
    return this.#flow.config?.otpLength ?? (Number(this.otpLength) || 6);
  }

  get #destination(): string {
    const config = this.#flow.config;
    // Isolated left-to-right, so "••••4754" does not turn into "4754••••" inside RTL text.
    return config ? `\u2066${maskIdentifier(config.identifierType, config.identifierValue)}\u2069` : '';
  }

  #view(): View {
    return viewOf({
      state: this.#flow.state,
      now: clock.now(),
      offline: this.#offline,
      mode: this.mode,
      otpLength: this.#expectedLength,
      destination: this.#destination,
      deviceIdKnown: this.deviceId !== '',
      hint: this.#hint,
      cancelable: this.cancelable,
    });
  }

  protected override render(): TemplateResult {
    const view = this.#view();
    return html`
      <h2 part="title">${this.#text(text('title'))}</h2>
      <p part="status" role="status" aria-live="polite">${this.#renderStatus(view.status)}${view.announce
          ? html`<span class="visually-hidden"> ${this.#text(view.announce)}</span>`
          : nothing}</p>
      ${view.field ? this.#renderField(view.field, view.alert !== null) : nothing}
      ${view.alert ? this.#renderAlert(view.alert) : nothing}
      ${view.recovery ? html`<div class="row">${this.#renderRecovery(view.recovery)}</div>` : nothing}
      ${view.resend ? this.#renderResend(view.resend) : nothing}
      ${view.cancel ? this.#renderCancel(view.cancel) : nothing}
    `;
  }

  #renderStatus(status: View['status']): TemplateResult | string {
    if (!status) return '';
    const words = this.#text(status.text);
    if (status.verified) return html`<span class="verified">${words}</span>`;
    // One template for every in-progress text, so that moving between them only updates the text.
    return status.busy ? html`<span class="spinner" aria-hidden="true"></span>${words}` : words;
  }

  #renderField(field: NonNullable<View['field']>, alert: boolean): TemplateResult {
    const length = this.#expectedLength;
    return html`
      <form @submit=${this.#onSubmit} novalidate>
        <label part="label" for="code">${this.#text(text('label'))}</label>
        <p class="hint" id="hint">${this.#text(field.hint)}</p>
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
            aria-describedby=${field.invalid && alert ? 'hint error' : 'hint'}
            aria-invalid=${field.invalid ? 'true' : 'false'}
            ?readonly=${field.readonly}
            .value=${this.#code}
            @input=${this.#onInput}
            @paste=${this.#onPaste}
          />
          <button part="submit" class="primary" type="submit" ?disabled=${field.submitDisabled}>${this.#text(text('submit'))}</button>
        </div>
      </form>
    `;
  }

  #renderAlert(alert: NonNullable<View['alert']>): TemplateResult {
    // tabindex=-1: where focus goes when an error leaves nothing to press (and no way out is offered).
    return html`<div id="error" part="error" role="alert" tabindex="-1">${this.#alertBlank ? nothing : html`<span>${this.#text(alert.text)}</span>`}</div>`;
  }

  #renderRecovery(recovery: NonNullable<View['recovery']>): TemplateResult {
    return html`<button part="retry" class="primary" type="button" ?disabled=${recovery.disabled} @click=${this.#onRecover}>
      ${this.#text(recovery.label)}
    </button>`;
  }

  #renderResend(resend: NonNullable<View['resend']>): TemplateResult {
    const left = resend.secondsLeft;
    // One control: "Didn't get a code? Resend in 0:28", then "Resend code". The wait in words is the
    // button's description and holds the countdown part (the seconds as a number): read on demand
    // with the button, never announced; what is announced is the end of the wait (view.announce).
    let wait: TemplateResult | typeof nothing = nothing;
    if (resend.wait) {
      const [before = '', after = ''] = this.#text({ ...resend.wait, values: { seconds: SECONDS_MARK } } as Text).split(SECONDS_MARK);
      wait = html`<span id="resend-wait" class="visually-hidden">${before}<span part="countdown">${left}</span>${after}</span>`;
    }
    return html`
      <p class="resend">
        ${resend.prompt ? html`<span class="prompt">${this.#text(resend.prompt)}</span>` : nothing}
        <button
          part="resend"
          class="link"
          type="button"
          ?disabled=${resend.disabled}
          aria-describedby=${resend.wait ? 'resend-wait' : nothing}
          @click=${this.#onResend}
        >${this.#text(resend.label)}</button>
        ${wait}
      </p>
    `;
  }

  #renderCancel(cancel: NonNullable<View['cancel']>): TemplateResult {
    return html`<div class="row">
      <button part="cancel" class="link" type="button" @click=${() => this.#onCancel(cancel.reason)}>${this.#text(cancel.label)}</button>
    </div>`;
  }

  // ---- user intent -----------------------------------------------------------------------

  readonly #onConnectivity = (): void => {
    this.#offline = navigator.onLine === false;
    this.requestUpdate();
  };

  #onInput(event: InputEvent): void {
    const input = event.target as HTMLInputElement;
    this.#acceptTyped(input.value, input);
  }

  #onPaste(event: ClipboardEvent): void {
    // The browser would cut pasted text to maxlength before we see it ("Your code is 123456"
    // → "Your c"), so take the paste ourselves and keep only its digits.
    const pasted = event.clipboardData?.getData('text') ?? '';
    event.preventDefault();
    this.#acceptTyped(pasted, event.target as HTMLInputElement);
  }

  #acceptTyped(raw: string, input: HTMLInputElement): void {
    const length = this.#expectedLength;
    // Digits of any script, as ASCII; anything else (letters, spaces of a pasted SMS) is dropped.
    const digits = digitsOnly(raw).slice(0, length);
    const wasComplete = this.#code.length === length;
    this.#code = digits;
    this.#setHint(null);
    if (input.value !== digits) input.value = digits;
    // Submit on the transition to full length only, so editing a full code does not resubmit;
    // never offline (Verify is disabled too): back online, the customer presses Verify.
    if (digits.length === length && !wasComplete && this.#view().field?.autoSubmit) void this.verify(digits);
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.#offline) return;
    void this.verify(this.#code);
  }

  #onResend(): void {
    // Focus goes to the field, which stays (read-only) while the new code is on its way.
    this.#focusPending = true;
    void this.resend();
  }

  #onCancel(reason: 'user' | 'restart'): void {
    this.#code = '';
    this.#setHint(null);
    this.#flow.cancel();
    this.#emit(mfaEvent('mfa-cancel', { reason }));
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
        void this.verify(this.#code);
        break;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mfa-otp-flow': MfaOtpFlow;
  }
}
