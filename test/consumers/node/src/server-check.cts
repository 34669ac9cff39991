// CommonJS TypeScript (NodeNext) using mfa-otp-flow/server: a Node program, so Node's types are in.
import server = require('mfa-otp-flow/server');

const handler: server.FetchHandler = server.createFetchHandler({ baseUrl: 'https://eu.api.capillarytech.com', trustProxy: 1, sendLimit: 3 });
const answered: Promise<Response> = handler(new Request('https://site.example/'), { remoteAddress: '198.51.100.7' });
// @ts-expect-error trustProxy takes a hop count, addresses or a boolean, not an object
server.createFetchHandler({ baseUrl: 'https://eu.api.capillarytech.com', trustProxy: {} });
export = { answered };
