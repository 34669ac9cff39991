// Public surface of the Capillary MFA client.
export { generateToken, generateOtp, validateOtp, DEFAULT_TIMEOUT_MS } from './client.js';
export { readAnswer, parseRetryAfter } from './answer.js';
export { send, type ApiRequest, type RawAnswer } from './transport.js';
export { tokenRequest, otpRequest, validateRequest } from './requests.js';
export { STATUS_CODES, statusCode, type StatusCodeInfo } from './status-codes.js';
export { errorFromCode, errorFromHttpStatus, transportError, redact } from './errors.js';
export { TokenRequestSchema, OtpRequestSchema, ValidateRequestSchema } from './request-schemas.js';
export {
  AuthSuccessSchema,
  OtpSuccessSchema,
  FailureSchema,
  StatusEnvelopeSchema,
  StatusCodeSchema,
} from './schemas.js';
export * from './types.js';
