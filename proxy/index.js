// @ts-check
// `mfa-otp-flow/server`: the forwarding server (Node only). docs/deploy.md shows it mounted in
// Express, in a Next.js route handler (the Fetch handler) and as a plain Node server.
export { createFetchHandler } from './handler.js';
export { createNodeHandler } from './node.js';
export { createProxy, startProxy } from './server.js';
export { ConfigError, optionsFromEnv, resolveOptions } from './options.js';
export { ROUTES, ROUTE_FIELDS } from './fields.js';
