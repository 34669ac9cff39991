// The device ID sent in all three calls: a device fingerprint (fingerprint.ts) kept in
// localStorage, so the same browser keeps the same ID across visits. Whatever fails (storage,
// fingerprinting), a random UUID stands in: this module resolves, never rejects. Nothing runs at
// import time.

import { withinTime } from '../util/time-limit.js';

export const DEVICE_ID_STORAGE_KEY = 'mfa-otp-flow:device-id';

/** FingerprintJS gets this long; past it a random ID stands in so the flow is never stuck. */
const FINGERPRINT_BUDGET_MS = 5_000;
// A visitor ID is 32 hex digits, a UUID 36 characters; anything else in storage was not written by us.
const PLAUSIBLE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

type Fingerprint = () => Promise<string>;

let pending: Promise<string> | undefined;
/** The ID `pending` resolved to. */
let known: string | undefined;
let fingerprint: Fingerprint = fingerprintWithoutIframeHtml;
let budgetMs = FINGERPRINT_BUDGET_MS;

/** The device ID in use; concurrent and later callers share the same promise. */
export function getDeviceId(): Promise<string> {
  pending ??= resolveDeviceId()
    .catch(randomId)
    .then((id) => (known = id));
  return pending;
}

/**
 * The ID when it is known without waiting: already resolved, or stored by an earlier visit. Lets the
 * element send its first request in the same task it connects in, before its first render.
 */
export function knownDeviceId(): string | undefined {
  if (known === undefined && pending === undefined) {
    // Settled here, so that getDeviceId() (the element calls it too) does not read storage again.
    known = readStored();
    if (known !== undefined) pending = Promise.resolve(known);
  }
  return known;
}

/** Starts the work early (e.g. when the element connects). Safe to ignore the returned promise. */
export function prefetchDeviceId(): Promise<string> {
  return getDeviceId();
}

/**
 * Forgets the in-memory ID, as a page reload would (storage is left alone). Tests may replace the
 * fingerprint step to simulate a failing or hanging library.
 */
export function resetDeviceIdCacheForTests(
  overrides: { fingerprint?: Fingerprint; budgetMs?: number } = {},
): void {
  pending = undefined;
  known = undefined;
  fingerprint = overrides.fingerprint ?? fingerprintWithoutIframeHtml;
  budgetMs = overrides.budgetMs ?? FINGERPRINT_BUDGET_MS;
}

async function resolveDeviceId(): Promise<string> {
  const stored = readStored();
  if (stored) return stored;
  const found = await withinTime(budgetMs, fingerprint);
  const id = typeof found === 'string' && PLAUSIBLE_ID.test(found) ? found : randomId();
  writeStored(id);
  return id;
}

function readStored(): string | undefined {
  try {
    const value = globalThis.localStorage?.getItem(DEVICE_ID_STORAGE_KEY);
    return typeof value === 'string' && PLAUSIBLE_ID.test(value) ? value : undefined;
  } catch {
    return undefined; // storage disabled, full, or blocked by privacy settings
  }
}

function writeStored(id: string): void {
  try {
    globalThis.localStorage?.setItem(DEVICE_ID_STORAGE_KEY, id);
  } catch {
    // Not kept: the next visit fingerprints again, which usually yields the same ID.
  }
}

/**
 * The fingerprint source set lives in ./fingerprint.ts, which imports only the FingerprintJS
 * pieces it uses (importing the library's `sources` object would bundle every source). FingerprintJS's
 * `load()` is never called, so its monitoring request is never made, and its `fontPreferences` source,
 * which writes `iframe.srcdoc` (blocked by `require-trusted-types-for 'script'`), is not in the set. The
 * import is dynamic so that module and its FingerprintJS parts land in their own chunk, fetched only
 * when no ID is stored.
 */
async function fingerprintWithoutIframeHtml(): Promise<string> {
  const { deviceFingerprint } = await import('./fingerprint.js');
  return deviceFingerprint();
}

/**
 * A random UUID v4. Each x of the template becomes a random hex digit (y one of 8, 9, a, b), from
 * crypto.getRandomValues, which unlike crypto.randomUUID also exists outside secure contexts; a
 * page without it still gets an ID, from Math.random.
 */
function randomId(): string {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (globalThis.crypto?.getRandomValues?.(new Uint8Array(1))[0] ?? Math.random() * 256) & 15;
    return (c === 'x' ? r : (r & 3) | 8).toString(16);
  });
}
