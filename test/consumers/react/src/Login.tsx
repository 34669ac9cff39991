// React 19 with the package's JSX typings: attributes, properties and `on<event>` props are
// checked, and event handlers get the typed detail.
import type {} from 'mfa-otp-flow/jsx';
import 'mfa-otp-flow/define';
import type { MfaErrorDetail, MfaOtpFlow, MfaVerifiedDetail } from 'mfa-otp-flow';
import { useRef } from 'react';

export function Login(props: { token: string; onDone: (detail: MfaVerifiedDetail) => void }) {
  const ref = useRef<MfaOtpFlow>(null);
  const onError = (detail: MfaErrorDetail) => console.warn(detail.code, detail.retryable);
  return (
    <mfa-otp-flow
      ref={ref}
      brand="Bukl"
      data-testid="otp"
      base-url="/capillary"
      identifier-type="MOBILE"
      identifier-value="18795774754"
      authorizedToken={props.token}
      style={{ '--mfa-otp-accent': '#0a7' }}
      onmfa-verified={(event) => props.onDone(event.detail)}
      onmfa-error={(event) => onError(event.detail)}
      onmfa-state-change={(event) => console.log(event.detail.state)}
    />
  );
}
