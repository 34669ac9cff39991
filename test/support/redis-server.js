// @ts-check
/// <reference types="node" />
// A throwaway redis-server for the Node tests: on a free loopback port, no persistence. Missing
// redis-server is an error (install Debian's `redis-server`; .ci/run does), never a silent skip.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';

/** @returns {string} the redis-server binary */
function findRedisServer() {
  if (existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return found;
  throw new Error(
    'redis-server is not installed (needed by the Redis tests): install it, e.g. `apt-get install redis-server` (.ci/run does this)',
  );
}

/** @returns {Promise<number>} a port free on 127.0.0.1 right now */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** @param {number} port @returns {Promise<boolean>} whether a PING on the port answers +PONG */
function ping(port) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let data = '';
    const finish = (/** @type {boolean} */ ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n')) finish(data.startsWith('+PONG'));
    });
  });
}

/**
 * @typedef {object} RunningRedis
 * @property {string} url redis://127.0.0.1:<port>
 * @property {number} port
 * @property {() => Promise<void>} stop kills the server and waits for it to exit
 * @property {() => Promise<void>} start starts it again on the same port (after stop)
 * @property {() => Promise<void>} restart stop, then start: an empty Redis on the same port
 * @property {() => void} pause freezes it (SIGSTOP): connections stay open, nothing is answered,
 *   as with a hung server or a network that drops packets
 * @property {() => void} resume lets it run again (SIGCONT)
 */

/** @returns {Promise<RunningRedis>} */
export async function startRedis() {
  const bin = findRedisServer();
  const port = await freePort();
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  let output = '';

  const start = async () => {
    if (child) return;
    output = '';
    const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    proc.stdout?.on('data', (c) => (output += c));
    proc.stderr?.on('data', (c) => (output += c));
    /** @type {Error | null} */
    let failed = null;
    proc.once('error', (err) => (failed = err));
    proc.once('exit', () => {
      if (child === proc) child = null;
    });
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      if (failed) break;
      if (await ping(port)) return;
      if (child !== proc) break; // exited
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    proc.kill('SIGKILL');
    child = null;
    throw new Error(`redis-server did not answer PING on port ${port}${failed ? `: ${failed}` : ''}\n${output}`);
  };

  const stop = async () => {
    const proc = child;
    if (!proc) return;
    child = null;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };

  /** @param {NodeJS.Signals} signal */
  const signal = (signal) => {
    if (!child) throw new Error('redis-server is not running');
    child.kill(signal);
  };

  await start();
  const restart = async () => {
    await stop();
    await start();
  };
  return { url: `redis://127.0.0.1:${port}`, port, stop, start, restart, pause: () => signal('SIGSTOP'), resume: () => signal('SIGCONT') };
}
