// mfa-otp-flow/server from the packed package: its entry points, and the Fetch handler answering a
// Request without any server (an unknown path: 404 in Capillary's failure shape, nothing sent upstream).
import * as server from 'mfa-otp-flow/server';

const names = ['createFetchHandler', 'createNodeHandler', 'createProxy', 'startProxy', 'optionsFromEnv', 'resolveOptions', 'ConfigError'];
const missing = names.filter((name) => typeof server[name] !== 'function');
if (missing.length) throw new Error(`missing exports: ${missing.join(', ')}`);
const handler = server.createFetchHandler({ baseUrl: 'http://127.0.0.1:9', log: false });
const res = await handler(new Request('http://site.example/api/capillary/nothing', { method: 'POST' }), { remoteAddress: '198.51.100.7' });
const body = await res.json();
await handler.close();
console.log(JSON.stringify({ status: res.status, type: res.headers.get('content-type'), code: body.status.code, routes: server.ROUTES }));
