// Runs inside the benchmark page: each function measures one thing with performance.now() and
// returns milliseconds. The element comes from the built dist/mfa-otp-flow.js, as a page gets it.
const BASE = '/sandbox/bench';
const DEVICE_ID_KEY = 'mfa-otp-flow:device-id';
const json = (r) => r.json();
const post = (path, body) =>
  fetch(BASE + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(json);
let n = 0;
const mobile = () => `9199${String(Date.now() % 1e6).padStart(6, '0')}${(n++ % 100).toString().padStart(2, '0')}`;
const mint = () => post('/__emulator/first-factor', {}).then((r) => r.authorizedToken);
const codeFor = async (value) => {
  const { messages } = await fetch(`${BASE}/__emulator/outbox?identifierValue=${value}`).then(json);
  return messages[messages.length - 1].code;
};
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function mount(value, token) {
  const el = document.createElement('mfa-otp-flow');
  el.setAttribute('base-url', BASE);
  el.setAttribute('brand', 'Bench');
  el.setAttribute('identifier-value', value);
  if (token) el.authorizedToken = token;
  return el;
}
const once = (el, name) => new Promise((resolve) => el.addEventListener(name, resolve, { once: true }));
/**
 * The time an event is dispatched, taken in its listener: what follows an `await` of it also
 * includes whatever microtasks were queued before it (the element's own re-render, say).
 */
const firedAt = (el, name) =>
  new Promise((resolve) => el.addEventListener(name, () => resolve(performance.now()), { once: true }));

/** A connected element whose first code has been sent; resolves to it and the code. */
async function withCodeSent() {
  const value = mobile();
  const el = mount(value, await mint());
  const sent = once(el, 'mfa-otp-sent');
  document.body.append(el);
  await sent;
  return { el, code: await codeFor(value) };
}

const resourcesSince = (t0, part) =>
  performance.getEntriesByType('resource').filter((e) => e.name.includes(part) && e.startTime >= t0);

/**
 * Element connected → mfa-otp-sent, with the first-factor token already set. Cold: no stored
 * device ID (fingerprinting runs). Also says whether the fingerprint chunk was fetched.
 */
window.connectToSent = async (cold) => {
  if (cold) localStorage.removeItem(DEVICE_ID_KEY);
  const value = mobile();
  const el = mount(value, await mint());
  const sent = firedAt(el, 'mfa-otp-sent');
  const t0 = performance.now();
  document.body.append(el);
  const t1 = await sent;
  const ms = t1 - t0;
  el.remove();
  // For bench/trace.js: the measured window, as User Timing in a Chromium trace.
  performance.measure('bench:connect→sent', { start: t0, end: t1 });
  return { ms, fingerprinted: resourcesSince(t0, '/chunks/fingerprint-').length > 0 };
};

/**
 * A first visit where the page connects the element before it has the first-factor token (the
 * usual order: the password step is still answering). Fingerprinting starts at connect, so by the
 * time the token arrives `waitMs` later it should be done: token set → mfa-otp-sent.
 */
window.tokenLaterToSent = async (waitMs) => {
  localStorage.removeItem(DEVICE_ID_KEY);
  const value = mobile();
  const el = mount(value, '');
  const sent = firedAt(el, 'mfa-otp-sent');
  document.body.append(el);
  const [token] = await Promise.all([mint(), wait(waitMs)]);
  const t0 = performance.now();
  el.authorizedToken = token;
  const ms = (await sent) - t0;
  el.remove();
  return ms;
};

/** The floor: the same two calls with plain fetch and no UI. */
window.floorTwoCalls = async () => {
  const value = mobile();
  const id = { identifierType: 'MOBILE', identifierValue: value, deviceId: 'bench-device', brand: 'Bench' };
  const authorizedToken = await mint();
  const t0 = performance.now();
  const { user } = await post('/auth/v1/mfa/token/generate', { ...id, authorizedToken });
  await post('/auth/v1/mfa/otp/generate', { ...id, sessionId: user.sessionId });
  const t1 = performance.now();
  performance.measure('bench:floor', { start: t0, end: t1 });
  return t1 - t0;
};

/**
 * The last digit typed (the field auto-submits) → mfa-verified, paired with the floor of one plain
 * validate call on the same page, in the order given.
 */
window.verifyVsFloor = async (floorFirst = false) => {
  const floor = floorFirst ? await validateFloor() : undefined;
  const { el, code } = await withCodeSent();
  await el.updateComplete;
  const input = el.shadowRoot.querySelector('[part="input"]');
  input.value = code.slice(0, -1);
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  const verified = firedAt(el, 'mfa-verified');
  const t0 = performance.now();
  input.value = code;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, data: code.slice(-1) }));
  const element = (await verified) - t0;
  el.remove();
  const f = floorFirst ? floor : await validateFloor();
  return { element, floor: f, diff: element - f };
};

/** One plain validate call of a code just sent, timed alone. */
async function validateFloor() {
  const value = mobile();
  const id = { identifierType: 'MOBILE', identifierValue: value, deviceId: 'bench-device', brand: 'Bench' };
  const { user } = await post('/auth/v1/mfa/token/generate', { ...id, authorizedToken: await mint() });
  await post('/auth/v1/mfa/otp/generate', { ...id, sessionId: user.sessionId });
  const otp = await codeFor(value);
  const t0 = performance.now();
  await post('/auth/v1/mfa/otp/validate', { ...id, sessionId: user.sessionId, otp });
  return performance.now() - t0;
}

/**
 * Connected → the element's content is in its shadow root (lit renders in a microtask), and whether
 * that happened before the next frame, i.e. whether the first paint after connecting shows it.
 */
window.firstRender = async () => {
  const el = mount(mobile(), '');
  el.setAttribute('manual', '');
  const frame = nextFrame();
  const t0 = performance.now();
  document.body.append(el);
  await el.updateComplete;
  const rendered = el.shadowRoot?.querySelector('[part="status"]') ? performance.now() : NaN;
  const framed = await frame;
  el.remove();
  return { ms: rendered - t0, inFirstFrame: rendered <= framed };
};

/** DOM writes in the shadow root during 3 s of resend countdown: one text update a second, nothing else. */
window.countdownWrites = async () => {
  const el = mount(mobile(), await mint());
  el.setAttribute('resend-after', '30');
  const sent = once(el, 'mfa-otp-sent');
  document.body.append(el);
  await sent;
  await el.updateComplete;
  const records = [];
  const observer = new MutationObserver((list) => records.push(...list));
  observer.observe(el.shadowRoot, { subtree: true, childList: true, characterData: true, attributes: true });
  await wait(3000);
  observer.disconnect();
  el.remove();
  const text = records.filter((r) => r.type === 'characterData').length;
  return { text, other: records.length - text };
};

/**
 * The entry imported once more under a URL of its own (so it is fetched and evaluated again; the
 * define is skipped, the tag being taken), how many other requests that caused, and how many
 * Storage calls (localStorage or sessionStorage) it made.
 */
let imports = 0;
window.importEntry = async () => {
  let storage = 0;
  const methods = ['getItem', 'setItem', 'removeItem', 'key', 'clear'];
  const originals = methods.map((name) => Storage.prototype[name]);
  methods.forEach((name, i) => {
    Storage.prototype[name] = function (...args) {
      storage++;
      return originals[i].apply(this, args);
    };
  });
  const t0 = performance.now();
  let ms;
  try {
    await import(`/dist/mfa-otp-flow.js?import=${imports++}`);
    ms = performance.now() - t0;
    await wait(20); // anything the import started would have gone out by now
  } finally {
    methods.forEach((name, i) => (Storage.prototype[name] = originals[i]));
  }
  const otherRequests = performance
    .getEntriesByType('resource')
    .filter((e) => e.startTime >= t0 && !e.name.includes('/dist/mfa-otp-flow.js?import=')).length;
  return { ms, otherRequests, storage };
};

/** One complete flow: create, send, verify, remove. */
window.completeFlow = async () => {
  const { el, code } = await withCodeSent();
  const verified = once(el, 'mfa-verified');
  el.verify(code);
  await verified;
  el.remove();
};

window.heapAfterGc = async () => {
  for (let i = 0; i < 3; i++) {
    window.gc();
    await wait(50);
  }
  return performance.memory.usedJSHeapSize;
};
window.ready = customElements.whenDefined('mfa-otp-flow').then(() => true);
