// Must NOT type-check: a number where the element takes a string. The consumer test expects tsc to
// fail here, on this line, naming `brand` (a check that passes for anything would pass this too).
import type {} from 'mfa-otp-flow/jsx';

export const wrong = <mfa-otp-flow brand={42} identifier-value="18795774754" />;
