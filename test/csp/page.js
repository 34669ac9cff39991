// Runs a whole flow of the standalone bundle under the page's strict CSP and reports to the parent:
// { type: 'csp-result', verified, state, error, violations }.
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile });
});

const MOBILE = '18795774754';
const ns = 't-' + crypto.randomUUID().replace(/-/g, '');
const baseUrl = `/sandbox/${ns}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function control(method, path, body) {
  const res = await fetch(`${baseUrl}/__emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${path}: HTTP ${res.status}`);
  return res.json();
}

function nextEvent(el, names, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${names.join('/')} in ${ms} ms (state ${el.state})`)), ms);
    for (const name of names) {
      el.addEventListener(name, (e) => { clearTimeout(timer); resolve(e); }, { once: true });
    }
  });
}

async function run() {
  await customElements.whenDefined('mfa-otp-flow');
  const { authorizedToken } = await control('POST', 'first-factor', {});
  const el = document.createElement('mfa-otp-flow');
  el.setAttribute('base-url', baseUrl);
  el.setAttribute('brand', 'Bukl');
  el.setAttribute('identifier-type', 'MOBILE');
  el.setAttribute('identifier-value', MOBILE);
  const sent = nextEvent(el, ['mfa-otp-sent', 'mfa-error'], 8000);
  document.getElementById('host').append(el);
  el.authorizedToken = authorizedToken;
  const first = await sent;
  if (first.type === 'mfa-error') throw new Error(`send failed: ${JSON.stringify(first.detail)}`);
  const { messages } = await control('GET', `outbox?identifierValue=${MOBILE}`);
  const code = messages[messages.length - 1].code;
  const done = nextEvent(el, ['mfa-verified', 'mfa-error'], 8000);
  await el.verify(code);
  const last = await done;
  if (last.type === 'mfa-error') throw new Error(`verify failed: ${JSON.stringify(last.detail)}`);
  await sleep(100); // let any late violation report arrive
  return { verified: true, state: el.state };
}

run().then(
  (result) => parent.postMessage({ type: 'csp-result', ...result, error: null, violations }, location.origin),
  (error) => parent.postMessage({ type: 'csp-result', verified: false, state: null, error: String(error), violations }, location.origin),
);
