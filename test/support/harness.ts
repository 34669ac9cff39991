// Drives <mfa-otp-flow> the way a customer does: reads what is on screen through its parts,
// types with the real keyboard, pastes, presses Enter. Tests never reach into private fields.
import { fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { MfaOtpFlow } from '../../src/element/mfa-otp-flow.js';
import type { FlowStatus, MfaEventMap } from '../../src/element/events.js';
import { newSandbox, type Sandbox } from './emulator-client.js';

export const MOBILE = '18795774754';
export { nextTask } from './next-task.js';

export class FlowHarness {
  /** Every mfa-* event the element fired, in order. */
  readonly events: Event[] = [];

  constructor(readonly el: MfaOtpFlow) {
    for (const name of ['mfa-state-change', 'mfa-otp-sent', 'mfa-resumed', 'mfa-verified', 'mfa-error', 'mfa-cancel']) {
      el.addEventListener(name, (e) => this.events.push(e));
    }
  }

  part<T extends HTMLElement = HTMLElement>(name: string): T | null {
    return this.el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
  }
  // Booleans rather than elements in assertions: a failing chai comparison of DOM nodes makes the
  // test runner's error serialisation hang, which hides the failure behind a file timeout.
  has(name: string): boolean {
    return this.part(name) !== null;
  }
  get inputFocused(): boolean {
    return this.input !== null && this.el.shadowRoot!.activeElement === this.input;
  }
  /** The part that has focus ('input', 'retry', 'cancel'…), 'body' when focus fell out of everything. */
  get focusedPart(): string {
    const active = this.el.shadowRoot!.activeElement;
    if (active) return active.getAttribute('part') ?? active.tagName.toLowerCase();
    return document.activeElement === document.body || document.activeElement === null ? 'body' : 'elsewhere';
  }
  /** Whether a button part is there and can be pressed. */
  enabled(name: string): boolean {
    const button = this.part<HTMLButtonElement>(name);
    return button !== null && !button.disabled;
  }
  get input(): HTMLInputElement | null {
    return this.part<HTMLInputElement>('input');
  }
  text(name: string): string {
    // What a reader sees: whitespace folded, invisible direction isolates dropped.
    return this.part(name)?.textContent?.replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim() ?? '';
  }
  get errorText(): string {
    return this.text('error');
  }
  get statusText(): string {
    return this.text('status');
  }
  /** Seconds shown in the countdown, or null when there is none. */
  get countdown(): number | null {
    const text = this.part('countdown')?.textContent;
    return text ? Number(text.trim()) : null;
  }
  eventsNamed<K extends keyof MfaEventMap>(name: K): MfaEventMap[K][] {
    return this.events.filter((e) => e.type === name) as MfaEventMap[K][];
  }

  /** Types with the real keyboard into the code field. */
  async type(text: string): Promise<void> {
    this.input!.focus();
    await sendKeys({ type: text });
  }
  async press(key: string): Promise<void> {
    await sendKeys({ press: key });
  }
  async paste(text: string): Promise<void> {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    this.input!.focus();
    this.input!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
    await this.el.updateComplete;
  }
  async click(name: string): Promise<void> {
    const button = this.part<HTMLButtonElement>(name);
    if (!button) throw new Error(`no [part=${name}] in state ${this.el.state}`);
    button.click();
    await this.el.updateComplete;
  }
  async untilState(state: FlowStatus, timeout = 5000): Promise<void> {
    await waitUntil(() => this.el.state === state, `state never became ${state} (is ${this.el.state})`, { timeout });
    await this.el.updateComplete;
  }
  next<K extends keyof MfaEventMap>(name: K): Promise<MfaEventMap[K]> {
    return oneEvent(this.el, name) as Promise<MfaEventMap[K]>;
  }
  /**
   * Every text the status live region holds from now on, in order, repeats folded: what a screen
   * reader announces from it.
   */
  statusLog(): string[] {
    const seen: string[] = [];
    const note = () => {
      const text = this.statusText;
      if (seen[seen.length - 1] !== text) seen.push(text);
    };
    new MutationObserver(note).observe(this.el.shadowRoot!, { subtree: true, childList: true, characterData: true });
    note();
    return seen;
  }
}

/**
 * The tab goes offline as far as the page can tell (navigator.onLine + the window event). Chrome's
 * real offline mode also cuts the test runner's own socket, so a test that needs requests to fail
 * also cuts the network at the emulator.
 */
export function goOffline(): { restore(): void } {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
  window.dispatchEvent(new Event('offline'));
  return {
    restore() {
      delete (navigator as { onLine?: boolean }).onLine;
      window.dispatchEvent(new Event('online'));
    },
  };
}

export interface FlowOptions {
  identifierValue?: string;
  identifierType?: string;
  mode?: 'verify' | 'send';
  otpLength?: number;
  resendAfter?: number;
  timeout?: number;
  manual?: boolean;
  cancelable?: boolean;
  sandbox?: Sandbox;
  /** Set the first-factor token (default true). */
  token?: boolean;
}

/** A connected element pointed at a fresh emulator namespace, with a first-factor token minted. */
export async function mountFlow(options: FlowOptions = {}): Promise<{ el: MfaOtpFlow; h: FlowHarness; sandbox: Sandbox; token: string }> {
  const sandbox = options.sandbox ?? (await newSandbox());
  const identifierValue = options.identifierValue ?? MOBILE;
  const token = await sandbox.mintToken();
  const el = await fixture<MfaOtpFlow>(html`<mfa-otp-flow
    base-url=${sandbox.baseUrl}
    brand="Bukl"
    identifier-type=${options.identifierType ?? 'MOBILE'}
    identifier-value=${identifierValue}
    mode=${options.mode ?? 'verify'}
    otp-length=${String(options.otpLength ?? 6)}
    resend-after=${String(options.resendAfter ?? 30)}
    timeout=${String(options.timeout ?? 15000)}
    ?manual=${options.manual ?? false}
    ?cancelable=${options.cancelable ?? false}
  ></mfa-otp-flow>`);
  const h = new FlowHarness(el);
  if (options.token !== false) el.authorizedToken = token;
  return { el, h, sandbox, token };
}

/** Mounts and waits until the first code is sent. */
export async function mountWithCode(options: FlowOptions = {}) {
  const mounted = await mountFlow(options);
  await mounted.h.untilState('code-sent');
  return mounted;
}
