// @ts-check
// Adapters that mount the emulator on other servers' request pipelines, on the same origin as the page
// under test: connect (vite dev and preview), koa (@web/test-runner 0.20).
import { createEmulator } from './emulator.js';

/** @typedef {import('./emulator.js').Emulator} Emulator */
/** @typedef {import('node:http').IncomingMessage} Req */
/** @typedef {import('node:http').ServerResponse} Res */

/**
 * `(req, res, next)` middleware: the emulator answers its own URLs, everything else goes to `next()`.
 * @param {Emulator} emulator
 * @returns {(req: Req, res: Res, next: (err?: unknown) => void) => void}
 */
export function connectMiddleware(emulator) {
  return (req, res, next) => {
    if (!emulator.matches(req.url)) return next();
    emulator.handle(req, res).catch(next);
  };
}

/**
 * Koa middleware. Whether the URL is the emulator's is decided before anything is touched: only then is
 * `ctx.respond = false` set, so koa leaves `ctx.res` (where the emulator writes) alone.
 * @param {Emulator} emulator
 * @returns {(ctx: { req: Req, res: Res, respond?: boolean, status?: number }, next: () => Promise<unknown>) => Promise<unknown>}
 */
export function koaMiddleware(emulator) {
  return async (ctx, next) => {
    if (!emulator.matches(ctx.req.url)) return next();
    ctx.respond = false;
    // Koa starts every response at 404, and @web/test-runner reports any request still 404 after the
    // chain as a missing file. A hang or drop fault writes no status, so claim the request explicitly;
    // the emulator's writeHead sets the real status when there is one.
    ctx.status = 200;
    await emulator.handle(ctx.req, ctx.res);
  };
}

/**
 * Vite plugin mounting the emulator on the dev server and on `vite preview`. The middleware is added
 * directly in the hooks (not in a returned post-hook) so it runs before vite's own, which would
 * otherwise answer the emulator's URLs with index.html.
 * @param {import('./emulator.js').EmulatorOptions & { emulator?: Emulator }} [options]
 *   options for createEmulator, or an existing `emulator` to share
 */
export function emulatorVitePlugin(options = {}) {
  const { emulator: given, ...emulatorOptions } = options;
  /** @type {Emulator | undefined} */
  let emulator = given;
  const mount = (/** @type {{ middlewares: { use: (fn: any) => unknown } }} */ server) => {
    emulator ??= createEmulator({ log: false, ...emulatorOptions });
    server.middlewares.use(connectMiddleware(emulator));
  };
  return { name: 'capillary-emulator', configureServer: mount, configurePreviewServer: mount };
}
