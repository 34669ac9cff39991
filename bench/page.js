// Runs inside the benchmark page: each function measures one thing with performance.now() and
// returns milliseconds. The element comes from the built dist/mfa-otp-flow.js, as a page gets it.
const BASE = '/sandbox/bench';
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

function mount(value, token) {
  const el = document.createElement('mfa-otp-flow');
  el.setAttribute('base-url', BASE);
  el.setAttribute('brand', 'Bench');
  el.setAttribute('identifier-value', value);
  el.authorizedToken = token;
  return el;
}
const once = (el, name) => new Promise((resolve) => el.addEventListener(name, resolve, { once: true }));

/** A connected element whose first code has been sent; resolves to it and the code. */
async function withCodeSent() {
  const value = mobile();
  const el = mount(value, await mint());
  const sent = once(el, 'mfa-otp-sent');
  document.body.append(el);
  await sent;
  return { el, code: await codeFor(value) };
}

/** Element connected → mfa-otp-sent. Cold: no stored device ID (fingerprinting runs). */
window.connectToSent = async (cold) => {
  if (cold) localStorage.removeItem('mfa-otp-flow:device-id');
  const value = mobile();
  const el = mount(value, await mint());
  const sent = once(el, 'mfa-otp-sent');
  const t0 = performance.now();
  document.body.append(el);
  await sent;
  const ms = performance.now() - t0;
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
  return performance.now() - t0;
};

/** Code submitted → mfa-verified, and the floor of one plain validate call. */
window.verifyVsFloor = async () => {
  const { el, code } = await withCodeSent();
  const verified = once(el, 'mfa-verified');
  const t0 = performance.now();
  el.verify(code);
  await verified;
  const element = performance.now() - t0;
  el.remove();

  const v2 = mobile();
  const id = { identifierType: 'MOBILE', identifierValue: v2, deviceId: 'bench-device', brand: 'Bench' };
  const { user } = await post('/auth/v1/mfa/token/generate', { ...id, authorizedToken: await mint() });
  await post('/auth/v1/mfa/otp/generate', { ...id, sessionId: user.sessionId });
  const otp = await codeFor(v2);
  const t1 = performance.now();
  await post('/auth/v1/mfa/otp/validate', { ...id, sessionId: user.sessionId, otp });
  return { element, floor: performance.now() - t1 };
};

/** Connected → the frame in which the element's content is first painted. */
window.firstRender = async () => {
  const el = mount(mobile(), '');
  el.setAttribute('manual', '');
  const t0 = performance.now();
  document.body.append(el);
  const painted = await new Promise((resolve) =>
    requestAnimationFrame(() => resolve(el.shadowRoot && el.shadowRoot.querySelector('[part="status"]') ? performance.now() : NaN)),
  );
  el.remove();
  return painted - t0;
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
    await new Promise((r) => setTimeout(r, 50));
  }
  return performance.memory.usedJSHeapSize;
};
window.ready = customElements.whenDefined('mfa-otp-flow').then(() => true);
