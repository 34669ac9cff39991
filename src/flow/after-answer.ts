// Everything the flow needs only once an answer has come back, gathered into one lazy chunk:
// reading the answer (zod/mini and the error table, most of the bytes), turning a failure into the
// customer's message, the resend cooldown kept across reloads, and WebOTP. The controller starts loading it when the element connects, alongside
// fingerprinting and the first request, so the first chunk stays small and no request waits for it.
export { readAnswer } from '../api/answer.js';
export { fromApiError } from './api-errors.js';
export { clearCooldown, readCooldown, saveCooldown } from './cooldown-store.js';
export { listenForSmsCode } from './web-otp.js';
