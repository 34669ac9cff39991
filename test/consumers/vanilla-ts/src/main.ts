// A strict vanilla TypeScript page: the tag, its properties and its events are typed from the
// package alone (HTMLElementTagNameMap, HTMLElementEventMap), with no framework typings.
import 'mfa-otp-flow/define';
import type { IdentifierType, MfaErrorDetail, MfaOtpFlow, MfaVerifiedDetail } from 'mfa-otp-flow';
import { DEFAULT_STRINGS, defineStrings } from 'mfa-otp-flow/strings';
import type { MfaOtpFlow as Standalone } from 'mfa-otp-flow/mfa-otp-flow.js';

const created: MfaOtpFlow = document.createElement('mfa-otp-flow');
const found: MfaOtpFlow | null = document.querySelector('mfa-otp-flow');
const standalone: Standalone = created;

created.brand = 'Bukl';
created.authorizedToken = 'first-factor-token';
const type: IdentifierType = 'EMAIL';
created.identifierType = type;
// @ts-expect-error: not an identifier type
created.identifierType = 'PHONE';
// @ts-expect-error: read-only
created.state = 'verified';

created.addEventListener('mfa-verified', (event) => {
  const detail: MfaVerifiedDetail = event.detail;
  console.log(detail.token.length, detail.sessionId);
});
created.addEventListener('mfa-error', (event) => {
  const detail: MfaErrorDetail = event.detail;
  if (detail.retryable) void created.resend();
});
created.addEventListener('mfa-otp-sent', (event) => {
  const at: number = event.detail.resendAvailableAt;
  // @ts-expect-error: the sent detail carries no token
  console.log(at, event.detail.token);
});
found?.addEventListener('mfa-state-change', (event) => console.log(event.detail.state, event.detail.previousState));
// @ts-expect-error: verify takes the code as a string
void created.verify(123456);

const submit: string = DEFAULT_STRINGS.submit;
console.log(submit, defineStrings, standalone === created);
