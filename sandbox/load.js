// @ts-check
// Load check of the emulator, then of the forwarding server in front of it (sandbox/load-proxy.js,
// run as a child process so each part's memory is its own):
// `node sandbox/load.js [--flows 200] [--concurrency 200]`.
// Starts the standalone server in-process on 127.0.0.1 (random port, loopback only), runs complete MFA
// flows with one identifier each (so the rate limit never applies), then moves the clock past every
// expiry and sweeps, to show memory returns to ~0. Exits non-zero on any error or a hard timeout.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.js';
import { loadArgs, mb, memoryPeak, percentile, runFlows } from './load-kit.js';

const HARD_TIMEOUT_MS = 60_000;
const { flows, concurrency } = loadArgs('sandbox/load.js');

const server = await startServer({ port: 0, host: '127.0.0.1', log: false });
// Bounded whatever happens: a stuck flow must not keep the script (or CI) waiting.
const hardStop = setTimeout(() => {
  console.error(`hard timeout of ${HARD_TIMEOUT_MS / 1000} s reached: ${durations.length} flows done, ${errors.length} errors`);
  process.exit(1);
}, HARD_TIMEOUT_MS);
hardStop.unref();

const memory = memoryPeak();

/** @param {string} path @param {unknown} [body] */
async function call(path, body) {
  const res = await fetch(server.url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok || json?.status?.success === false) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(json?.status)}`);
  return json;
}

/** One complete flow, first factor to validated login; returns its duration in ms. @param {number} i */
async function flow(i) {
  const started = performance.now();
  const identity = { identifierType: 'MOBILE', identifierValue: `91${String(7_000_000_000 + i)}`, deviceId: `load-${i}`, brand: 'LoadBrand' };
  const { authorizedToken } = await call('/__emulator/first-factor', { identifierValue: identity.identifierValue });
  const opened = await call('/auth/v1/mfa/token/generate', { ...identity, authorizedToken });
  const sessionId = opened.user.sessionId;
  await call('/auth/v1/mfa/otp/generate', { ...identity, sessionId });
  const { messages } = await call(`/__emulator/outbox?identifierValue=${identity.identifierValue}`);
  if (messages.length !== 1) throw new Error(`flow ${i}: ${messages.length} messages in the outbox, expected 1`);
  const validated = await call('/auth/v1/mfa/otp/validate', { ...identity, sessionId, otp: messages[0].code });
  if (validated.user?.role !== 'USER') throw new Error(`flow ${i}: unexpected success body`);
  return performance.now() - started;
}

/** @type {number[]} */
const durations = [];
/** @type {string[]} */
const errors = [];
const elapsedMs = await runFlows(flows, concurrency, flow, { durations, errors });
const peak = memory.stop();

const before = server.emulator.stats();
// Past every expiry: sessions (15 min), first-factor tokens (60 min), windows (10 min), outbox (1 h).
server.emulator.namespace('default').advanceClock(61 * 60_000);
const after = server.emulator.sweep();
await server.close();

console.log(`flows: ${durations.length}/${flows} ok, concurrency ${concurrency}, ${(elapsedMs / 1000).toFixed(2)} s`);
console.log(`throughput: ${(durations.length / (elapsedMs / 1000)).toFixed(1)} flows/s`);
console.log(`flow latency: p50 ${percentile(durations, 0.5).toFixed(1)} ms, p95 ${percentile(durations, 0.95).toFixed(1)} ms`);
console.log(`errors: ${errors.length}`);
for (const message of errors.slice(0, 5)) console.log(`  ${message}`);
console.log(`peak memory: rss ${mb(peak.rss)}, heap used ${mb(peak.heapUsed)}`);
console.log(`emulator stats before sweep: ${JSON.stringify(before)}`);
console.log(`emulator stats after clock +61 min and sweep(): ${JSON.stringify(after)}`);

const leftover = after.sessions + after.outbox + after.firstFactorTokens + after.rateWindows;
if (leftover > 0) console.error('sweep left state behind');
if (errors.length > 0 || leftover > 0) process.exit(1);

clearTimeout(hardStop);
console.log('');
const proxyPart = spawnSync(process.execPath, [fileURLToPath(new URL('./load-proxy.js', import.meta.url)), '--flows', String(flows), '--concurrency', String(concurrency)], {
  stdio: 'inherit',
  timeout: 120_000,
});
process.exit(proxyPart.status ?? 1);
