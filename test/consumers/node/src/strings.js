// mfa-otp-flow/strings loads without the element: no lit, no custom element, no DOM shim.
import { DEFAULT_STRINGS, defineStrings } from 'mfa-otp-flow/strings';

console.log(JSON.stringify({
  submit: DEFAULT_STRINGS.submit,
  defineStrings: typeof defineStrings,
  customElements: typeof globalThis.customElements,
  HTMLElement: typeof globalThis.HTMLElement,
}));
