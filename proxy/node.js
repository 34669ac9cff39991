// @ts-check
// node:http and Express/connect in front of the Fetch API handler (./handler.js): the request becomes
// a `Request` whose body streams from the socket only if the handler reads it, and the `Response`
// is written back. A refusal that comes before the body is read closes the connection, so an unread
// (large or trickling) body holds no socket. Behind Express with a body parser first, the parsed
// `req.body` is used, since the stream has been read already.
import { Readable } from 'node:stream';
import { createFetchHandler, loggablePath } from './handler.js';
import { failureBody } from './upstream.js';

/** @typedef {import('node:http').IncomingMessage & { originalUrl?: string, body?: unknown }} Req */
/** @typedef {import('node:http').ServerResponse} Res */

/**
 * @typedef {((req: Req, res: Res, next?: (err?: unknown) => void) => Promise<void>) & {
 *   close(): Promise<void>, abortAll(): void, inFlight(): number, fetchHandler: import('./handler.js').FetchHandler
 * }} NodeHandler
 */

/** @param {Req} req @returns {Headers} */
function headersOf(req) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    try {
      headers.append(name, value);
    } catch {
      // a header the Fetch API will not hold (Node accepted it): not one this server reads
    }
  }
  return headers;
}

/**
 * The body as the handler gets it: the socket's stream, or what a body parser already read.
 * @param {Req} req
 * @returns {{ body: string | Buffer | ReadableStream | null } | { consumed: true }}
 */
function bodyOf(req) {
  if (req.method === 'GET' || req.method === 'HEAD') return { body: null };
  if (req.readableEnded || req.readableDidRead) {
    // express.json() and friends: the stream is gone, the parsed body is what there is.
    if (req.body !== undefined && req.body !== null && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) {
      return { body: JSON.stringify(req.body) };
    }
    if (typeof req.body === 'string' || Buffer.isBuffer(req.body)) return { body: req.body };
    return { consumed: true };
  }
  return { body: /** @type {ReadableStream} */ (Readable.toWeb(req)) };
}

/**
 * The forwarding server as a node:http listener, or Express/connect middleware (outside its path
 * prefix it calls `next()`).
 * @param {import('./options.js').ProxyOptions} options
 * @returns {NodeHandler}
 */
export function createNodeHandler(options) {
  const fetchHandler = createFetchHandler(options);
  const { config } = fetchHandler;

  /** @param {Req} req @param {Res} res @param {(err?: unknown) => void} [next] @returns {Promise<void>} */
  const listener = async (req, res, next) => {
    const rawPath = (req.originalUrl ?? req.url ?? '/').split('?')[0] ?? '/';
    const underPrefix = config.pathPrefix === '' || rawPath === config.pathPrefix || rawPath.startsWith(`${config.pathPrefix}/`);
    if (!underPrefix && next) return next();

    const body = bodyOf(req);
    if ('consumed' in body) {
      config.log?.(`${req.method} ${loggablePath(rawPath)} 500: the request body was read before the proxy (mount it before body parsers, or use express.json())`);
      return send(res, failure(500, 'Proxy misconfigured'), true);
    }
    const clientGone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) clientGone.abort();
    };
    res.once('close', onClose);
    const host = req.headers.host && /^[\w.:[\]-]{1,300}$/.test(req.headers.host) ? req.headers.host : 'invalid.invalid';
    /** @type {Request} */
    let request;
    try {
      // The URL carries the Host for the origin check; the path goes as received, in `info.path`.
      request = new Request(`http://${host}/`, {
        method: req.method,
        headers: headersOf(req),
        body: body.body,
        duplex: 'half', // Node's fetch needs it for a streamed body
      });
    } catch {
      // A method the Fetch API refuses to carry (CONNECT, TRACE): none of this server's.
      res.off('close', onClose);
      return send(res, failure(405, 'Method not allowed'), true);
    }
    const response = await fetchHandler(request, { remoteAddress: req.socket.remoteAddress, path: rawPath, signal: clientGone.signal });
    res.off('close', onClose);
    if (clientGone.signal.aborted) return;
    await send(res, response, !req.complete);
  };

  return /** @type {NodeHandler} */ (Object.assign(listener, {
    fetchHandler,
    close: () => fetchHandler.close(),
    abortAll: () => fetchHandler.abortAll(),
    inFlight: () => fetchHandler.inFlight(),
  }));
}

/** A refusal of the adapter's own, in Capillary's shape. @param {number} status @param {string} message */
const failure = (status, message) =>
  new Response(failureBody(status, message), { status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } });

/**
 * Writes a Fetch `Response` to a node:http response. With `closing` (the request's body was not read
 * to its end: an early refusal, or one over the size cap), the socket ends once the answer is sent
 * instead of waiting for the rest of the body.
 * @param {Res} res @param {Response} response @param {boolean} closing
 */
async function send(res, response, closing) {
  if (res.headersSent || res.destroyed) return;
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : Buffer.alloc(0);
  /** @type {Record<string, string>} */
  const headers = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  if (closing) {
    res.shouldKeepAlive = false;
    headers['connection'] = 'close';
  }
  res.writeHead(response.status, { ...headers, 'Content-Length': String(body.length) });
  res.end(body, () => {
    // The unread rest of the body is not waited for: the socket goes once the answer is flushed.
    if (closing) res.socket?.destroySoon();
  });
}
