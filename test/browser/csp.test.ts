// Element contract, "Guarantees": the standalone bundle runs a whole flow under
// default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self';
// require-trusted-types-for 'script' with no nonce and no violation (test/csp/index.html).
import { expect } from '@open-wc/testing';

interface CspResult {
  type: 'csp-result';
  verified: boolean;
  state: string | null;
  error: string | null;
  violations: { directive: string; blocked: string; sample: string; source: string }[];
}

function loadPage(src: string, timeout = 15_000): Promise<CspResult> {
  return new Promise((resolve, reject) => {
    const frame = document.createElement('iframe');
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      frame.remove();
      reject(new Error(`no result from ${src} within ${timeout} ms`));
    }, timeout);
    function onMessage(event: MessageEvent) {
      if (event.source !== frame.contentWindow || event.data?.type !== 'csp-result') return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      frame.remove();
      resolve(event.data as CspResult);
    }
    window.addEventListener('message', onMessage);
    frame.src = src;
    document.body.append(frame);
  });
}

describe('<mfa-otp-flow> under a strict CSP', () => {
  it('serves the page with the strict policy', async () => {
    const res = await fetch('/test/csp/index.html');
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).to.contain("script-src 'self'");
    expect(policy).to.contain("require-trusted-types-for 'script'");
  });

  it('verifies a code from the standalone bundle with no violation, fingerprinting included', async () => {
    localStorage.removeItem('mfa-otp-flow:device-id');
    const result = await loadPage('/test/csp/index.html');
    expect(result.error).to.equal(null);
    expect(JSON.stringify(result.violations)).to.equal('[]');
    expect(result.verified).to.equal(true);
    expect(result.state).to.equal('verified');
  });
});
