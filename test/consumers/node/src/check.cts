// CommonJS TypeScript (module NodeNext, TypeScript >= 5.8, which knows that Node >= 20.19 / 22.12
// require() ES modules): the `require` condition's declarations give the same types as `import`.
import flow = require('mfa-otp-flow');
import strings = require('mfa-otp-flow/strings');
import type {} from 'mfa-otp-flow/jsx';

const el: flow.MfaOtpFlow = document.createElement('mfa-otp-flow');
el.addEventListener('mfa-verified', (event) => console.log(event.detail.token));
const submit: string = strings.DEFAULT_STRINGS.submit;
export = { el, submit };
