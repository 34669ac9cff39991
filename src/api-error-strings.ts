// The customer-facing texts of the errors an API answer reports, one per kind (see MESSAGE_FOR_KIND
// in flow/api-errors.ts). They are only ever shown once an answer is in, so they load with the
// after-answer chunk; hosts override them through `strings` like any other (strings.ts).

export const API_ERROR_STRINGS = {
  errorRateLimited: 'Too many codes were requested. Please wait before asking for another one.',
  errorSessionExpired: 'Your verification session expired. Send a new code to continue.',
  errorCodeExpired: 'That code is no longer valid. Request a new one.',
  errorInvalidCode: 'That code isn’t right. Check it and try again.',
  errorAttemptsExhausted: 'Too many wrong codes. Please sign in again.',
  errorReauth: 'Your sign-in has expired. Please sign in again.',
  errorIntegration: 'Verification can’t continue because of a problem on this site (error {code}).',
  errorServer: 'The verification service is having trouble. Please try again.',
  errorTimeout: 'The verification service took too long to answer. Please try again.',
  errorInvalidResponse: 'The verification service sent an unexpected answer. Please try again.',
};

export type ApiErrorStrings = typeof API_ERROR_STRINGS;
