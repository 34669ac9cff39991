// <mfa-otp-flow> rendered by React 19 and by Vue 3, each running the flow to verified against the
// emulator. The element comes from the source entry, as an app's bundler would take it.
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/define.js';
import { newSandbox } from '../support/emulator-client.js';

const MOBILE = '18795774754';

interface FlowLike extends HTMLElement {
  authorizedToken: string;
  verify(otp: string): Promise<void>;
}

async function waitFor<T>(read: () => T | undefined | null, what: string, timeout = 8000): Promise<T> {
  await waitUntil(() => read() != null, `timed out waiting for ${what}`, { timeout });
  return read() as T;
}

/** What both frameworks share once the element is rendered: the code arrives, verifies, the page hears it. */
async function runToVerified(el: FlowLike, seen: string[], verifiedToken: () => string, code: () => Promise<string>) {
  await waitFor(() => (seen.includes('mfa-otp-sent') ? true : undefined), 'mfa-otp-sent');
  await el.verify(await code());
  await waitFor(() => (seen.includes('mfa-verified') ? true : undefined), 'mfa-verified');
  expect(verifiedToken() === '').to.equal(false);
  expect(el.getAttribute('state')).to.equal('verified');
}

// React ships CommonJS only and the test runner resolves ES modules, so React's development builds
// are evaluated here by a tiny CommonJS loader (the four files involved require only each other).
const CJS: Record<string, string> = {
  react: '/node_modules/react/cjs/react.development.js',
  'react-dom': '/node_modules/react-dom/cjs/react-dom.development.js',
  'react-dom/client': '/node_modules/react-dom/cjs/react-dom-client.development.js',
  scheduler: '/node_modules/scheduler/cjs/scheduler.development.js',
};
const cjsCache = new Map<string, unknown>();
const cjsSource = new Map<string, string>();

async function loadReact(): Promise<{ React: any; ReactDOMClient: any }> {
  await Promise.all(
    Object.entries(CJS).map(async ([name, url]) => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${url} → HTTP ${res.status}`);
      cjsSource.set(name, await res.text());
    }),
  );
  const process = { env: { NODE_ENV: 'development' } };
  const requireCjs = (name: string): unknown => {
    if (cjsCache.has(name)) return cjsCache.get(name);
    const src = cjsSource.get(name);
    if (src === undefined) throw new Error(`the CommonJS shim does not know ${name}`);
    const module = { exports: {} as unknown };
    cjsCache.set(name, module.exports);
    // eslint-disable-next-line no-new-func
    new Function('module', 'exports', 'require', 'process', `${src}\n//# sourceURL=${CJS[name]}`)(
      module,
      module.exports,
      requireCjs,
      process,
    );
    cjsCache.set(name, module.exports);
    return module.exports;
  };
  return { React: requireCjs('react'), ReactDOMClient: requireCjs('react-dom/client') };
}

describe('<mfa-otp-flow> in frameworks', () => {
  let host: HTMLElement | undefined;
  let cleanup: (() => void) | undefined;
  beforeEach(() => {
    host = document.createElement('div');
    document.body.append(host);
  });
  afterEach(() => {
    cleanup?.();
    cleanup = undefined;
    host?.remove();
    host = undefined;
  });

  it('React 19: property passed as a prop, events through a ref, flow to verified', async () => {
    const { React, ReactDOMClient } = await loadReact();
    expect(String(React.version)).to.match(/^19\./);
    const sandbox = await newSandbox();
    const token = await sandbox.mintToken({ identifierType: 'MOBILE', identifierValue: MOBILE, brand: 'Bukl' });
    const seen: string[] = [];
    let verifiedToken = '';
    let flowEl: FlowLike | null = null;

    function App() {
      const ref = React.useRef(null);
      React.useEffect(() => {
        const el = ref.current as FlowLike | null;
        if (!el) return undefined;
        flowEl = el;
        const onSent = () => seen.push('mfa-otp-sent');
        const onVerified = (e: Event) => {
          seen.push('mfa-verified');
          verifiedToken = String((e as CustomEvent).detail.token);
        };
        el.addEventListener('mfa-otp-sent', onSent);
        el.addEventListener('mfa-verified', onVerified);
        return () => {
          el.removeEventListener('mfa-otp-sent', onSent);
          el.removeEventListener('mfa-verified', onVerified);
        };
      }, []);
      return React.createElement('mfa-otp-flow', {
        ref,
        'base-url': sandbox.baseUrl,
        brand: 'Bukl',
        'identifier-type': 'MOBILE',
        'identifier-value': MOBILE,
        // React 19 sets this as a property because the element has it.
        authorizedToken: token,
      });
    }

    const root = ReactDOMClient.createRoot(host!);
    cleanup = () => root.unmount();
    root.render(React.createElement(App));

    const el = await waitFor(() => flowEl, 'the React-rendered element');
    expect(el.localName).to.equal('mfa-otp-flow');
    expect(el.authorizedToken === token).to.equal(true);
    expect(el.hasAttribute('authorizedtoken')).to.equal(false);
    await runToVerified(el, seen, () => verifiedToken, () => sandbox.latestCode(MOBILE));
  });

  it('Vue 3: isCustomElement, .prop binding and @event listeners, flow to verified', async () => {
    // The full browser build (template compiler included); a variable specifier keeps it untyped.
    const vueUrl = '/node_modules/vue/dist/vue.esm-browser.js';
    const Vue: any = await import(/* @vite-ignore */ vueUrl);
    const sandbox = await newSandbox();
    const token = await sandbox.mintToken({ identifierType: 'MOBILE', identifierValue: MOBILE, brand: 'Bukl' });
    const seen: string[] = [];
    let verifiedToken = '';

    const app = Vue.createApp({
      data: () => ({ baseUrl: sandbox.baseUrl, mobile: MOBILE, token }),
      methods: {
        onSent() {
          seen.push('mfa-otp-sent');
        },
        onVerified(e: CustomEvent) {
          seen.push('mfa-verified');
          verifiedToken = String(e.detail.token);
        },
      },
      template: `<mfa-otp-flow
        :base-url="baseUrl"
        brand="Bukl"
        identifier-type="MOBILE"
        :identifier-value="mobile"
        .authorizedToken="token"
        @mfa-otp-sent="onSent"
        @mfa-verified="onVerified"
      ></mfa-otp-flow>`,
    });
    app.config.compilerOptions.isCustomElement = (tag: string) => tag === 'mfa-otp-flow';
    const warnings: string[] = [];
    app.config.warnHandler = (msg: string) => warnings.push(msg);
    app.mount(host!);
    cleanup = () => app.unmount();

    const el = host!.querySelector('mfa-otp-flow') as FlowLike;
    expect(Boolean(el)).to.equal(true);
    expect(el.authorizedToken === token).to.equal(true);
    expect(el.getAttribute('base-url')).to.equal(sandbox.baseUrl);
    await runToVerified(el, seen, () => verifiedToken, () => sandbox.latestCode(MOBILE));
    expect(warnings.join(' | ')).to.equal('');
  });
});
