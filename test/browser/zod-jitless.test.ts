// zod must never reach for `new Function`: under a CSP without 'unsafe-eval' even its caught probe
// is reported as a violation. This file imports the schemas itself, after installing the spy, so no
// other module can have built a schema first.
import { expect } from '@open-wc/testing';

describe('schemas under a no-eval CSP', () => {
  it('are built and used without ever calling the Function constructor', async () => {
    const original = globalThis.Function;
    let calls = 0;
    globalThis.Function = new Proxy(original, {
      construct(target, args) {
        calls += 1;
        return Reflect.construct(target, args);
      },
      apply(target, self, args) {
        calls += 1;
        return Reflect.apply(target, self, args);
      },
    });
    try {
      const { AuthSuccessSchema, FailureSchema, OtpSuccessSchema } = await import('../../src/api/schemas.js');
      const body = { status: { success: true }, auth: { token: 'a.b.c', key: null }, user: { sessionId: 'P-1' } };
      for (let i = 0; i < 3; i++) {
        expect(AuthSuccessSchema.safeParse(body).success).to.equal(true);
        expect(OtpSuccessSchema.safeParse(body).success).to.equal(true);
        expect(FailureSchema.safeParse(body).success).to.equal(false);
      }
    } finally {
      globalThis.Function = original;
    }
    expect(calls).to.equal(0);
  });
});
