// @ts-check
// Faults for the built bundle's lazy chunks (dist/chunks/), served by the test runner: a test asks
// for the next requests of a chunk to be held back or refused, as a slow CDN or a dropped connection
// would do. Koa middleware for web-test-runner.config.mjs; tests drive it with POST /__chunk-faults.
// `/__fresh/<id>/…` serves the same files as `/…`: a page that loads the bundle from a new <id> gets
// chunk URLs no cache holds yet, so that every chunk request reaches this middleware.

/** @typedef {{ match: string, delayMs?: number, status?: number, times?: number }} ChunkFault */

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @returns {(ctx: any, next: () => Promise<unknown>) => Promise<unknown>} */
export function chunkFaults() {
  /** @type {Required<ChunkFault>[]} */
  let faults = [];
  return async (ctx, next) => {
    if (ctx.path === '/__chunk-faults' && ctx.method === 'POST') {
      let text = '';
      for await (const part of ctx.req) text += part;
      /** @type {ChunkFault | { clear: true }} */
      const spec = JSON.parse(text || '{}');
      if ('clear' in spec) faults = [];
      else faults.push({ delayMs: 0, status: 0, times: 1, ...spec });
      ctx.body = { ok: true, pending: faults.length };
      return;
    }
    const fresh = /^\/__fresh\/[\w-]+(\/.*)$/.exec(ctx.path);
    if (fresh) ctx.path = fresh[1];
    const fault = ctx.path.startsWith('/dist/chunks/') ? faults.find((f) => ctx.path.includes(f.match)) : undefined;
    if (fault) {
      if (--fault.times <= 0) faults = faults.filter((f) => f !== fault);
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.status) {
        // Written past koa: the test runner marks every file it serves cacheable for a year, and a
        // refusal cached that way would answer the next try from the browser's cache.
        ctx.respond = false;
        ctx.status = fault.status; // not koa's default 404, which the runner reports as a missing file
        ctx.res.writeHead(fault.status, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
        ctx.res.end('refused by a chunk fault');
        return;
      }
    }
    return next();
  };
}
