// A fake clock for the flow's countdowns: replaces the functions of src/flow/clock.ts (the flow's
// only source of time) and runs due timers in deadline order on tick(). Mocha, lit and fetch keep
// real time, so nothing else in the page is disturbed.
import { clock, type Clock } from '../../src/flow/clock.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export interface FakeClock {
  now(): number;
  /** Advances time by `ms`, running every timer that falls due, in order. */
  tick(ms: number): Promise<void>;
  /** How many timers are pending (a stopped flow leaves none). */
  pending(): number;
  uninstall(): void;
}

export function installFakeClock(start = Date.now()): FakeClock {
  const original: Clock = { ...clock };
  let now = start;
  let nextId = 1;
  let timers: Timer[] = [];
  clock.now = () => now;
  clock.setTimeout = (fn, ms) => {
    const timer = { id: nextId++, at: now + Math.max(0, ms), fn };
    timers.push(timer);
    return timer.id;
  };
  clock.clearTimeout = (id) => {
    timers = timers.filter((t) => t.id !== id);
  };
  return {
    now: () => now,
    async tick(ms) {
      const end = now + ms;
      for (let runs = 0; ; runs++) {
        // A timer that keeps re-arming itself at the same instant would freeze the page (and
        // mocha's own timeout with it): fail loudly instead.
        if (runs > 10_000) throw new Error('fake clock: runaway timers (more than 10000 in one tick)');
        timers.sort((a, b) => a.at - b.at || a.id - b.id);
        const due = timers[0];
        if (!due || due.at > end) break;
        timers.shift();
        now = due.at;
        due.fn();
        await Promise.resolve();
      }
      now = end;
      // Let lit render what the timers asked for (a macrotask: animation frames do not run in
      // background tabs, where concurrent test files live).
      await new Promise((r) => globalThis.setTimeout(r, 0));
    },
    pending: () => timers.length,
    uninstall() {
      Object.assign(clock, original);
    },
  };
}
