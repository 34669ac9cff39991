// The flow's only source of time. Countdowns are derived from deadlines read here, never from
// decrementing counters, so a throttled background tab cannot drift them. Tests replace these
// functions (test/support/fake-clock.ts) instead of patching globals that mocha and lit rely on.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};
