// @ts-check
// The load scripts' worker pool (sandbox/load.js, sandbox/load-proxy.js): `concurrency` workers take
// flow numbers from one counter until all `flows` are done; each flow's duration or error is pushed
// into the arrays given, so a hard timeout can still report how far it got.

/**
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
