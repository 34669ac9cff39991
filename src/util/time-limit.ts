// One guard for work that may stall (FingerprintJS, IndexedDB): past its time limit the caller goes
// on without it. Real time on purpose: the flow's fake clock in tests must not decide whether a
// browser API answered.

/** What `work` gives, or null when it throws, rejects or takes longer than `ms`. Never rejects. */
export function withinTime<T>(ms: number, work: () => Promise<T> | T): Promise<T | null> {
  return new Promise<T | null>((resolve) => {
    const timer = globalThis.setTimeout(() => resolve(null), ms);
    Promise.resolve()
      .then(work)
      .then(resolve, () => resolve(null))
      .finally(() => globalThis.clearTimeout(timer));
  });
}
