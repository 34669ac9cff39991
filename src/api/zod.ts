// The one place this package gets zod from.
//
// zod 4's classic object schema compiles its parser with `new Function` and, before that, probes
// whether `new Function` is allowed; under a CSP without 'unsafe-eval' the probe is caught but still
// reported as a `securitypolicyviolation`. In zod 4.6, `zod/mini` objects do not take that path at
// all (they init `$ZodObject`, not `$ZodObjectJIT`), so the flag below is belt and braces: it keeps
// the guarantee if a schema here ever comes from classic `zod`, and test/browser/zod-jitless.test.ts
// fails if the constructor is ever called. The flag is read when an object schema is *built*, so it
// is set before any schema exists: import `z` from here, never from 'zod/mini' directly. It lives on
// `globalThis.__zod_globalConfig`, so other zod 4 copies on the page also run jitless (slower, same
// results).
import * as z from 'zod/mini';

z.config({ jitless: true });

export { z };
