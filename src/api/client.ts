// The three Capillary MFA calls as functions: each sends through transport.ts and reads the answer
// with answer.ts, and resolves to an ApiResult; none throws or rejects, whatever the input or answer.
import { readAnswer } from './answer.js';
import { otpRequest, tokenRequest, validateRequest } from './requests.js';
import { send, type ApiRequest } from './transport.js';
import type { ApiResult, ApiStep, AuthSuccess, CallOptions, OtpRequest, TokenRequest, ValidateRequest } from './types.js';

export { DEFAULT_TIMEOUT_MS } from './transport.js';
export { parseRetryAfter, readAnswer } from './answer.js';

export function generateToken(
  req: TokenRequest,
  opts: CallOptions,
): Promise<ApiResult<AuthSuccess & { sessionId: string }>> {
  return call('token', opts, () => tokenRequest(req));
}

/** Sends (or re-sends) the code. Success carries nothing the flow needs. */
export function generateOtp(req: OtpRequest, opts: CallOptions): Promise<ApiResult<void>> {
  return call('otp', opts, () => otpRequest(req));
}

export function validateOtp(req: ValidateRequest, opts: CallOptions): Promise<ApiResult<AuthSuccess>> {
  return call('verify', opts, () => validateRequest(req));
}

async function call<T>(step: ApiStep, opts: CallOptions, build: () => ApiRequest<T>): Promise<ApiResult<T>> {
  let request: ApiRequest<T> | undefined;
  const raw = await send(opts, () => (request = build()));
  // A request that could not even be built still fails as its own step.
  return readAnswer(request ?? { step, secrets: [] }, raw);
}
