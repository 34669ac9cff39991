// @ts-check
// What the two load scripts share (sandbox/load.js for the emulator, sandbox/load-proxy.js for the
// forwarding server in front of it): their arguments, the worker pool, the memory peak and the summary.
import { parseArgs } from 'node:util';

/**
 * `--flows N --concurrency C` (positive integers, 200 each by default); exits 2 with a usage line otherwise.
 * @param {string} script the file named in the usage line
 */
export function loadArgs(script) {
  const { values } = parseArgs({ options: { flows: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '200' } } });
  const flows = Number(values.flows);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(flows) || flows < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
    console.error(`usage: node ${script} [--flows N] [--concurrency C] (positive integers)`);
    process.exit(2);
  }
  return { flows, concurrency };
}

/**
 * `concurrency` workers take flow numbers from one counter until all `flows` are done; each flow's
 * duration or error is pushed into the arrays given, so a hard timeout can still report how far it got.
 * @param {number} flows @param {number} concurrency
 * @param {(i: number) => Promise<number>} flow resolves to its duration in ms
 * @param {{ durations: number[], errors: string[] }} into
 * @returns {Promise<number>} the elapsed ms
 */
export async function runFlows(flows, concurrency, flow, { durations, errors }) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, flows) }, async () => {
      while (next < flows) {
        const i = next++;
        try {
          durations.push(await flow(i));
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
        }
      }
    }),
  );
  return performance.now() - started;
}

/** This process's peak RSS and heap, sampled every 50 ms until `stop()` (which samples once more). */
export function memoryPeak() {
  const peak = { rss: 0, heapUsed: 0 };
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peak.rss = Math.max(peak.rss, rss);
    peak.heapUsed = Math.max(peak.heapUsed, heapUsed);
  };
  const timer = setInterval(sample, 50);
  return {
    peak,
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** @param {number[]} list @param {number} q a quantile, 0 to 1 */
export const percentile = (list, q) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted.length ? /** @type {number} */ (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]) : NaN;
};

export const mb = (/** @type {number} */ bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
