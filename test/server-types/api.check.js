// @ts-check
// The hand-written types of `mfa-otp-flow/server` (proxy/index.d.ts) held against the JavaScript they
// describe: each implementation must be assignable to its declaration (tsconfig.proxy.json checks this
// file; it is never run). index.js re-exports these modules, and './index.js' resolves to the .d.ts.
import { ROUTES, ROUTE_FIELDS } from '../../proxy/fields.js';
import { createFetchHandler } from '../../proxy/handler.js';
import { createNodeHandler } from '../../proxy/node.js';
import { ConfigError, optionsFromEnv, resolveOptions } from '../../proxy/options.js';
import { createProxy, startProxy } from '../../proxy/server.js';

/** @typedef {typeof import('../../proxy/index.js')} Declared */

/** @type {[Declared['createFetchHandler'], Declared['createNodeHandler'], Declared['createProxy'], Declared['startProxy']]} */
export const servers = [createFetchHandler, createNodeHandler, createProxy, startProxy];
/** @type {[Declared['optionsFromEnv'], Declared['resolveOptions'], Declared['ConfigError']]} */
export const config = [optionsFromEnv, resolveOptions, ConfigError];
/** @type {[Declared['ROUTES'], Declared['ROUTE_FIELDS']]} */
export const routes = [ROUTES, ROUTE_FIELDS];
/** @type {import('../../proxy/index.js').ProxyOptions} */
export const everyOption = /** @type {import('../../proxy/options.js').ProxyOptions} */ ({ baseUrl: '' });
