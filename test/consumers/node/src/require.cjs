// CommonJS: require() of every entry (Node >= 20.19 / 22.12 load the ES modules synchronously) gives
// the very objects that import() gives: one class, whichever way it was loaded.
const assert = require('node:assert/strict');

const main = require('mfa-otp-flow');
const define = require('mfa-otp-flow/define');
const strings = require('mfa-otp-flow/strings');
require('mfa-otp-flow/jsx');
require('mfa-otp-flow/vue');
const manifest = require('mfa-otp-flow/custom-elements.json');
const pkg = require('mfa-otp-flow/package.json');

(async () => {
  const imported = await import('mfa-otp-flow');
  assert.equal(typeof main.MfaOtpFlow, 'function');
  assert.equal(main.MfaOtpFlow, imported.MfaOtpFlow, 'require and import give one class');
  assert.equal(define.MfaOtpFlow, main.MfaOtpFlow);
  assert.equal(define.TAG, 'mfa-otp-flow');
  assert.equal(customElements.get('mfa-otp-flow'), main.MfaOtpFlow);
  assert.equal(typeof strings.DEFAULT_STRINGS.submit, 'string');
  assert.ok(manifest.modules.length > 0);
  assert.equal(pkg.name, 'mfa-otp-flow');
  console.log('require ok');
})();
