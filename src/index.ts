// Package entry for bundler users: the class and types, no side effects. Import
// 'mfa-otp-flow/define' (or the self-contained dist/mfa-otp-flow.js) to register the tag.
export { MfaOtpFlow } from './mfa-otp-flow.component.js';
export type {
  ErrorCode,
  ErrorStep,
  FlowStatus,
  MfaErrorDetail,
  MfaEventMap,
  MfaOtpSentDetail,
  MfaStateChangeDetail,
  MfaVerifiedDetail,
} from './events.js';
export { DEFAULT_STRINGS } from './default-strings.js';
export type { MfaStrings } from './strings.js';
export type { IdentifierType, MfaUser, ErrorKind } from './api/types.js';
