// The one place this package gets zod from.
//
// zod 4 compiles object parsers with `new Function` and, before that, probes whether `new Function`
// is allowed. Under a CSP without 'unsafe-eval' the probe is caught but still reported as a
// `securitypolicyviolation`. The flag is read when an object schema is *constructed* (not when it
// parses), so it must be set before the first `z.object()` runs: import `z` from here, never from
// 'zod/mini' directly. Note the setting lives on `globalThis.__zod_globalConfig`, so it also applies
// to any other copy of zod 4 on the page (they get slower, not different).
import * as z from 'zod/mini';

z.config({ jitless: true });

export { z };
