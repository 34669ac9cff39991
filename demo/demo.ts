// The demo page's only script (the page's CSP allows no inline code). It plays the host page:
// it gets a first-factor token, hands it to <mfa-otp-flow>, and shows what the widget does.
import '../src/define.ts';
import type { MfaOtpFlow } from '../src/element/mfa-otp-flow.js';
import type { MfaEventName } from '../src/element/events.js';
import { LOCALES } from './locales.js';

interface OutboxMessage {
  id: string;
  channel: 'sms' | 'email';
  identifierValue: string;
  brand: string;
  sessionId: string;
  code: string;
  sentAt: number;
}

function $<T extends Element = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`demo: ${selector} is missing from index.html`);
  return found;
}

const flow = $<MfaOtpFlow>('#flow');
const widgetHost = $('#widget-host');
const logList = $('#log-list');

// ---- emulator ------------------------------------------------------------------------------

// One emulator namespace per browser, kept across reloads and shared by its tabs, as a real
// Capillary host is: a reload or a second tab finds the sessions and codes sent before.
const NS_KEY = 'mfa-otp-demo:namespace';
const namespace = localStorage.getItem(NS_KEY) ?? `demo-${crypto.randomUUID().slice(0, 8)}`;
localStorage.setItem(NS_KEY, namespace);
const base = `/sandbox/${namespace}`;
flow.baseUrl = base;
$('#namespace').textContent = namespace;

async function emulator<T = unknown>(method: string, path: string, body?: object): Promise<T> {
  const response = await fetch(`${base}/__emulator/${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : null,
  });
  if (!response.ok) throw new Error(`${method} __emulator/${path} answered HTTP ${response.status}`);
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}

// ---- log -----------------------------------------------------------------------------------

/** Tokens are secrets even in a demo: show their start and length only. */
function shorten(token: string): string {
  return token.length <= 12 ? token : `${token.slice(0, 6)}…(${token.length} chars)`;
}

const SECRET_KEYS = new Set(['token', 'key', 'authorizedToken']);
const JWT_LIKE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

function describe(detail: unknown): string {
  return JSON.stringify(detail, (key, value: unknown) =>
    typeof value === 'string' && (SECRET_KEYS.has(key) || JWT_LIKE.test(value)) ? shorten(value) : value,
  );
}

const MAX_LOG = 150;

function log(kind: 'event' | 'error' | 'demo', title: string, text = ''): void {
  const item = document.createElement('li');
  item.className = `log-${kind}`;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString([], { hour12: false });
  const name = document.createElement('strong');
  name.textContent = title;
  item.append(time, ' ', name);
  if (text) {
    const body = document.createElement('code');
    body.textContent = text;
    item.append(' ', body);
  }
  logList.prepend(item); // newest first: the latest event is where the eye already is
  while (logList.children.length > MAX_LOG) logList.lastElementChild?.remove();
}

const EVENTS: MfaEventName[] = ['mfa-state-change', 'mfa-otp-sent', 'mfa-resumed', 'mfa-verified', 'mfa-error', 'mfa-cancel'];
for (const name of EVENTS) {
  flow.addEventListener(name, (event) => {
    log(name === 'mfa-error' ? 'error' : 'event', name, describe((event as CustomEvent).detail));
  });
}
flow.addEventListener('mfa-state-change', () => {
  $('#state-readout').textContent = flow.state;
});
$('#clear-log').addEventListener('click', () => logList.replaceChildren());

// ---- 1. first factor -----------------------------------------------------------------------

const firstFactor = $<HTMLFormElement>('#first-factor');
firstFactor.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn();
});

/**
 * Who passed the first factor in this browser, as a host keeps its login state (a cookie session,
 * say): a reload or a new tab hands the widget a first-factor token for them again, and the widget
 * takes the MFA session it finds up instead of sending a second code. No token is kept.
 */
interface SignedIn {
  identifierType: string;
  identifierValue: string;
  brand: string;
}
const SIGNED_IN_KEY = 'mfa-otp-demo:signed-in';

function signedIn(): SignedIn | null {
  try {
    const value = JSON.parse(localStorage.getItem(SIGNED_IN_KEY) ?? 'null') as SignedIn | null;
    return value && typeof value.identifierValue === 'string' ? value : null;
  } catch {
    return null;
  }
}

async function signIn(again?: SignedIn): Promise<void> {
  const data = new FormData(firstFactor);
  const identifierType = again?.identifierType ?? String(data.get('identifierType'));
  const raw = (again?.identifierValue ?? String(data.get('identifierValue'))).trim();
  // The emulator binds the token to the identifier as the widget will send it: MOBILE as digits.
  const identifierValue = identifierType === 'MOBILE' ? raw.replace(/\D/g, '') : raw;
  const brand = (again?.brand ?? String(data.get('brand'))).trim();
  localStorage.setItem(SIGNED_IN_KEY, JSON.stringify({ identifierType, identifierValue: raw, brand }));
  try {
    const { authorizedToken, expiresAt } = await emulator<{ authorizedToken: string; expiresAt: number }>(
      'POST', 'first-factor', { identifierType, identifierValue, brand },
    );
    flow.setAttribute('identifier-type', identifierType);
    flow.setAttribute('identifier-value', raw);
    flow.setAttribute('brand', brand);
    // A new sign-in starts a new chain: back to idle, then the new token auto-starts the flow. The
    // same customer coming back (a reload, a new tab) keeps theirs: the widget resumes it.
    if (!again) flow.reset();
    flow.authorizedToken = authorizedToken; // a property: tokens never go into attributes
    const until = new Date(expiresAt).toLocaleTimeString([], { hour12: false });
    $('#token-info').textContent = `authorizedToken = ${shorten(authorizedToken)}, valid until ${until} (emulator clock)`;
    log('demo', 'first factor', `token ${shorten(authorizedToken)} for ${identifierType} ${identifierValue}`);
  } catch (error) {
    log('error', 'first factor failed', String(error));
  }
}

// The widget's way out ("Back", or "Sign in again" after 1518 or an expired first factor): the
// host's job is to take the customer back to the first factor. The widget is idle and forgot its
// session; the old token is spent, so a new sign-in mints a new one.
flow.addEventListener('mfa-cancel', (event) => {
  localStorage.removeItem(SIGNED_IN_KEY);
  $('#token-info').textContent =
    event.detail.reason === 'restart' ? 'Signed out: sign in again to get a new first-factor token.' : 'Back at the first factor.';
  const identifier = firstFactor.elements.namedItem('identifierValue') as HTMLInputElement;
  identifier.focus();
  identifier.select();
});

// ---- 2. the element's methods --------------------------------------------------------------

// Always enabled on purpose: a call that does not fit the state does nothing harmful, and the
// log shows that it sent nothing.
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-method]')) {
  button.addEventListener('click', () => {
    const method = button.dataset.method as 'start' | 'resend' | 'reset';
    log('demo', `${method}()`, `called in state ${flow.state}`);
    void flow[method]();
  });
}

// ---- 3. outbox -----------------------------------------------------------------------------

const outboxList = $('#outbox-list');
let messages: OutboxMessage[] = [];
let shownKey = '';
let pollTimer: ReturnType<typeof setTimeout> | undefined;
let polling = false;

async function pollOutbox(): Promise<void> {
  if (polling) return;
  polling = true;
  try {
    messages = (await emulator<{ messages: OutboxMessage[] }>('GET', 'outbox')).messages;
    renderOutbox();
  } catch {
    // The dev server restarting: keep polling, the next answer will do.
  } finally {
    polling = false;
    schedulePoll();
  }
}

// Poll only while the tab is visible: a background tab should not hammer the server.
function schedulePoll(): void {
  clearTimeout(pollTimer);
  if (document.visibilityState === 'visible') pollTimer = setTimeout(pollOutbox, 1000);
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void pollOutbox();
  else clearTimeout(pollTimer);
});

function renderOutbox(): void {
  // Re-render only on change (or when the current session changes), so a button keeps focus.
  const key = `${messages.map((m) => m.id).join()}|${flow.sessionId}`;
  if (key === shownKey) return;
  shownKey = key;
  const newestOfSession = new Map(messages.map((m) => [m.sessionId, m.id]));
  const items = messages.slice(-8).reverse().map((message) => {
    const item = document.createElement('li');
    // A new code replaces the session's previous one; only the newest can still be valid.
    if (newestOfSession.get(message.sessionId) !== message.id) item.classList.add('replaced');
    if (message.sessionId === flow.sessionId) item.classList.add('current');
    const meta = document.createElement('span');
    meta.className = 'meta';
    const sent = new Date(message.sentAt).toLocaleTimeString([], { hour12: false });
    meta.textContent = `${message.channel.toUpperCase()} to ${message.identifierValue} · ${message.brand} · ${sent}`;
    const code = document.createElement('button');
    code.type = 'button';
    code.className = 'code';
    code.textContent = message.code;
    code.setAttribute('aria-label', `Copy code ${message.code.split('').join(' ')}`);
    code.addEventListener('click', () => void copy(code, message.code));
    item.append(meta, code);
    return item;
  });
  outboxList.replaceChildren(...items);
  $('#outbox-empty').hidden = items.length > 0;
}

async function copy(button: HTMLButtonElement, code: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(code);
    button.classList.add('copied');
    setTimeout(() => button.classList.remove('copied'), 1200);
    log('demo', 'copied', `code ${code}: paste it into the widget`);
  } catch {
    // No clipboard permission (e.g. an insecure origin): select the digits for Ctrl+C instead.
    getSelection()?.selectAllChildren(button);
    log('demo', 'copy unavailable', 'the code is selected: press Ctrl+C');
  }
}

// ---- faults --------------------------------------------------------------------------------

/** The newest code the current session received, with every digit changed: surely wrong. */
function wrongCode(): string {
  const latest = messages.filter((m) => m.sessionId === flow.sessionId).at(-1);
  const right = latest?.code ?? '0'.repeat(Number(flow.otpLength) || 6);
  return right.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
}

async function typeWrongCode(): Promise<string> {
  const code = wrongCode();
  await flow.verify(code);
  return `verify("${code}") → ${flow.error ? `error ${flow.error.code}` : flow.state}`;
}

const FAULTS: Record<string, () => Promise<string>> = {
  slow: async () => {
    await emulator('POST', 'faults', { path: '*', type: 'latency', ms: 2500, times: -1 });
    return 'every call now waits 2.5 s, until "Clear faults"';
  },
  http500: async () => {
    await emulator('POST', 'faults', { path: '*', type: 'http', status: 500 });
    return 'the next call answers HTTP 500 with an HTML page';
  },
  'rate-limit': async () => {
    await emulator('POST', 'faults', { path: 'otp/generate', type: 'code', code: 429 });
    return 'the next code request (resend(), or reset() then start()) gets code 429, no Retry-After';
  },
  expire: async () => {
    await emulator('POST', 'clock', { advanceMs: 16 * 60_000 });
    return 'emulator clock +16 min: the 15-minute session is over; the next verify or resend gets 1505';
  },
  wrong: typeWrongCode,
  'wrong-streak': async () => {
    const results: string[] = [];
    // Stops early once a code is no longer accepted (1518 closes the session, or any other error).
    for (let i = 0; i < 5 && (i === 0 || flow.state === 'code-sent'); i++) results.push(await typeWrongCode());
    return results.join('; ');
  },
  clear: async () => {
    await emulator('DELETE', 'faults');
    return 'fault queue empty';
  },
  'reset-emulator': async () => {
    await emulator('POST', 'reset');
    flow.reset();
    return 'namespace back to defaults (sessions, outbox, rate limit, clock); widget reset';
  },
};

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-fault]')) {
  button.addEventListener('click', async () => {
    const action = FAULTS[button.dataset.fault ?? ''];
    if (!action) return;
    button.disabled = true;
    try {
      log('demo', button.textContent ?? '', await action());
    } catch (error) {
      log('error', button.textContent ?? '', String(error));
    } finally {
      button.disabled = false;
    }
  });
}

// ---- settings ------------------------------------------------------------------------------

const settings = $<HTMLFormElement>('#settings');
const field = (name: string): HTMLSelectElement => settings.elements.namedItem(name) as HTMLSelectElement;

function applyDirection(dir: string): void {
  widgetHost.dir = dir;
  field('dir').value = dir;
}

settings.addEventListener('change', (event) => {
  const select = event.target as HTMLSelectElement;
  switch (select.name) {
    case 'mode':
      flow.mode = select.value as 'verify' | 'send';
      log('demo', 'mode', `${select.value}: read at the next start(), so reset() then start()`);
      break;
    case 'theme':
      // The theme classes set --mfa-otp-* custom properties on the element (demo.css).
      document.body.className = `theme-${select.value}`;
      break;
    case 'language': {
      const locale = LOCALES[select.value] ?? LOCALES.en!;
      flow.strings = locale.strings;
      widgetHost.lang = locale.lang;
      applyDirection(locale.dir); // Arabic reads right to left
      break;
    }
    case 'dir':
      applyDirection(select.value);
      break;
  }
});

// Browsers restore form values on reload; make the page match what the selects show.
for (const name of ['mode', 'theme', 'language', 'dir']) {
  if (field(name).value !== field(name).querySelector('option')?.value) {
    field(name).dispatchEvent(new Event('change', { bubbles: true }));
  }
}

// Signed in before this page loaded (a reload, a new tab): hand the widget a token again.
const returning = signedIn();
if (returning) {
  for (const [name, value] of Object.entries(returning)) {
    (firstFactor.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value = value;
  }
  log('demo', 'still signed in', `${returning.identifierType} ${returning.identifierValue}: the widget looks for its session`);
  void signIn(returning);
}
// Once verified the host would move on; here the next reload starts at the first factor again.
flow.addEventListener('mfa-verified', () => localStorage.removeItem(SIGNED_IN_KEY));

void pollOutbox();
