// Shapes of what we send to Capillary, for callers and tests that check a request body. The element
// does not use them (its requests are built from checked inputs in requests.ts), so they live apart
// from the answer schemas and stay out of the answer chunk.
import { nonEmpty } from './schemas.js';
import { IDENTIFIER_TYPES } from './types.js';
import { z } from './zod.js';

const identity = {
  identifierType: z.enum(IDENTIFIER_TYPES),
  identifierValue: nonEmpty(),
  deviceId: nonEmpty(),
  brand: nonEmpty(),
};

export const TokenRequestSchema = z.object({ ...identity, authorizedToken: nonEmpty() });
export const OtpRequestSchema = z.object({ ...identity, sessionId: nonEmpty() });
/** The reference table says `otp` is a string, its own example sends a number: we send digits as a string. */
export const ValidateRequestSchema = z.object({
  ...identity,
  sessionId: nonEmpty(),
  otp: z.string().check(z.regex(/^\d+$/)),
});
