// The three calls as data: path, the documented body fields, and the secrets to keep out of any
// message. Plain strings only, so that what goes on the wire never depends on what the caller passed.
import type { ApiRequest } from './transport.js';
import type { AuthSuccess, Identity, OtpRequest, TokenRequest, ValidateRequest } from './types.js';

const identity = (req: Identity) => ({
  identifierType: String(req.identifierType),
  identifierValue: String(req.identifierValue),
  deviceId: String(req.deviceId),
  brand: String(req.brand),
});

/** token/generate: opens the MFA session with the first-factor token. */
export const tokenRequest = (req: TokenRequest): ApiRequest<AuthSuccess & { sessionId: string }> => ({
  step: 'token',
  path: 'token/generate',
  body: { ...identity(req), authorizedToken: String(req.authorizedToken) },
  secrets: [String(req.authorizedToken)],
});

/** otp/generate: sends (or re-sends) the code. Success carries nothing the flow needs. */
export const otpRequest = (req: OtpRequest): ApiRequest<void> => ({
  step: 'otp',
  path: 'otp/generate',
  body: { ...identity(req), sessionId: String(req.sessionId) },
  secrets: [],
});

/** otp/validate. The reference table says `otp` is a string, its own example a number: we send a string. */
export const validateRequest = (req: ValidateRequest): ApiRequest<AuthSuccess> => ({
  step: 'verify',
  path: 'otp/validate',
  body: { ...identity(req), sessionId: String(req.sessionId), otp: String(req.otp) },
  secrets: [String(req.otp)],
});
