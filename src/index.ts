// Package entry for bundler users: the class and types, no side effects. Import
// 'mfa-otp-flow/define' (or the self-contained dist/mfa-otp-flow.js) to register the tag.
export { MfaOtpFlow } from './element/mfa-otp-flow.js';
export type {
  ErrorCode,
  ErrorStep,
  FlowStatus,
  MfaCancelDetail,
  MfaErrorDetail,
  MfaEventMap,
  MfaOtpSentDetail,
  MfaResumedDetail,
  MfaStateChangeDetail,
  MfaVerifiedDetail,
} from './element/events.js';
export { DEFAULT_STRINGS, defineStrings, type MfaStrings, type StringKey } from './strings/strings.js';
export type { IdentifierType, MfaUser, ErrorKind } from './api/types.js';
export type { FlowErrorKind } from './flow/flow-error.js';
