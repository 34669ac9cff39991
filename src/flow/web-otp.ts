// WebOTP: lets the browser offer the code from the SMS (Chrome on Android, with an SMS whose last
// line is "@host #code"). Nothing happens where the API is missing; the customer types the code.

/** Calls `onCode` once with the code the customer accepted, unless `signal` has aborted by then. */
export function listenForSmsCode(signal: AbortSignal, onCode: (code: string) => void): void {
  if (typeof window === 'undefined' || !('OTPCredential' in window) || !navigator.credentials) return;
  const request = { otp: { transport: ['sms'] }, signal } as CredentialRequestOptions;
  navigator.credentials
    .get(request)
    .then((credential) => {
      const code = (credential as (Credential & { code?: string }) | null)?.code;
      if (code && !signal.aborted) onCode(code);
    })
    .catch(() => undefined); // dismissed, aborted or unsupported: the customer types the code
}
