// Shapes of what we accept back from Capillary (what we send: request-schemas.ts). Lenient where
// the vendor is vague (auth.key, the user flags, extra fields, a code sent as a numeric string);
// strict where the flow depends on a value (the token and the session id).
import { z } from './zod.js';

export const nonEmpty = () => z.string().check(z.minLength(1));

/**
 * A status code as a number, or as a string of digits (proxies that re-serialise may do that).
 * Bounded to nine digits either way: anything longer is not a code. A refinement, read with
 * `Number()` by the client, rather than a union of an int and a string-to-number pipe: the same
 * rule for 1.4 KB gzip less of zod in the chunk.
 */
export const StatusCodeSchema = z.custom<number | string>((value) =>
  typeof value === 'number'
    ? Number.isInteger(value) && value >= 0 && value <= 999_999_999
    : typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value),
);

/** A field we can live without: a wrong type counts as absent rather than failing the whole answer. */
const optional = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

/**
 * The `status` envelope, read as leniently as possible so that a failure answer of any HTTP status
 * yields its code and message whenever they are there.
 */
export const StatusEnvelopeSchema = z.object({
  status: z.object({
    success: optional(z.boolean()),
    code: optional(StatusCodeSchema),
    message: optional(z.string()),
  }),
});

/** The documented failure body: `{ status: { success: false, code, message } }`. */
export const FailureSchema = z.object({
  status: z.object({
    success: z.literal(false),
    code: StatusCodeSchema,
    message: z.catch(z.string(), ''),
  }),
});

const UserSchema = z.object({
  sessionId: nonEmpty(),
  appRegistered: z.catch(z.boolean(), false),
  role: z.catch(z.string(), ''),
  userRegisteredForPassword: z.catch(z.boolean(), false),
});

/** token/generate and otp/validate. `status` is not required: the token and session are the proof. */
export const AuthSuccessSchema = z.object({
  auth: z.object({
    token: nonEmpty(),
    // Documented as "may be null"; also seen missing. Anything but a string means "no key".
    key: z.catch(z.nullable(z.string()), null),
  }),
  user: UserSchema,
});

/** otp/generate carries nothing but the envelope, so the envelope must say success. */
export const OtpSuccessSchema = z.object({
  status: z.object({ success: z.literal(true) }),
});

export type StatusEnvelope = z.infer<typeof StatusEnvelopeSchema>;
export type AuthSuccessBody = z.infer<typeof AuthSuccessSchema>;
