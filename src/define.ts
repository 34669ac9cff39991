// Registers <mfa-otp-flow>. Importing this module is the one side effect of the package; the
// guard lets a page load the script twice (or two bundles include it) without throwing.
import { MfaOtpFlow } from './element/mfa-otp-flow.js';

export const TAG = 'mfa-otp-flow';

if (typeof customElements !== 'undefined' && !customElements.get(TAG)) {
  customElements.define(TAG, MfaOtpFlow);
}

export { MfaOtpFlow };
