// The benchmarks' loopback server: the emulator, and built files served as a production host serves
// them. Chunk names carry a content hash, so they are cached for good; the entry and the page keep
// their names across releases, so they are revalidated on every visit (ETag → 304).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, normalize } from 'node:path';
import { createEmulator } from '../sandbox/emulator.js';

const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * `resolve(path)` maps a request path (no leading slash) to a file, or to `{ html }` served as is, or
 * returns undefined for a 404. Resolves to the server's origin and a `close()`.
 */
export async function startBenchServer(resolve) {
  const emulator = createEmulator({ log: false, defaults: { otpMaxCount: null } });
  const server = createServer(async (req, res) => {
    if (await emulator.handle(req, res)) return;
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    const target = resolve(path);
    if (target?.html !== undefined) {
      return res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-cache' }).end(target.html);
    }
    if (!target || !statSync(target, { throwIfNoEntry: false })?.isFile()) return res.writeHead(404).end();
    const body = readFileSync(target);
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    const headers = {
      'Content-Type': TYPES[extname(target)] ?? 'application/octet-stream',
      'Cache-Control': /(^|\/)chunks\//.test(path) ? IMMUTABLE : 'no-cache',
      ETag: etag,
    };
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, headers).end();
    res.writeHead(200, headers).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close() {
      server.close();
      emulator.close();
    },
  };
}
