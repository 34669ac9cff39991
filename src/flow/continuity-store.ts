// Continuity: the MFA session a customer's code belongs to, kept so that a reload, a remounted
// element or a second tab takes up that session instead of sending a second code. No DOM, no text.
//
// What is stored (README, "Security"):
// - IndexedDB `mfa-otp-flow`, store `sessions`: one record per identity, under an HMAC-SHA-256 of
//   the identity (base URL, brand, identifier type and value, device ID) made with a random key of
//   this browser's. The key is a non-extractable WebCrypto key kept in the same database (store
//   `keys`): script can use it, not read it, so a copy of the records alone does not let anyone try
//   phone numbers against them (a plain hash of a 10-digit number falls to brute force in a
//   minute). A record holds the session ID, how many codes were sent, the resend deadline, when the
//   session opened and the rate-limit backoff: no token, no code, no identifier. It is deleted when
//   the session ends and swept once it expires: 15 minutes after the session opened, or after a
//   rate-limit refusal 15 minutes after the wait ends, never more than an hour after the refusal.
// - localStorage `mfa-otp-flow:live`: a random salt and, per identity that has a record, a 16-bit
//   bucket of a salted hash of it with the record's expiry. Only a hint, read without waiting, that
//   lets a customer with no live session have their first request sent at once instead of after
//   IndexedDB has answered; 16 bits tell nothing of the identity (a bucket holds one in 65,536 of
//   all numbers), and a bucket shared by chance only costs that wait. The records and every
//   decision are IndexedDB's: measured in Chromium, a tab holding a Web Lock still read a stale
//   localStorage value written by another tab in 17 of 40 tries, IndexedDB in 0 of 40.
//
// Every operation gives up quietly: storage that is missing, throws, is full or holds garbage only
// costs the resume, never the flow.
import type { Identity } from '../api/types.js';
import { withinTime } from '../util/time-limit.js';
import { clock } from './clock.js';

/** How long the vendor keeps an MFA session by default, and so how long a record can be resumed. */
export const SESSION_TTL_MS = 15 * 60_000;
/** Nothing is kept longer than this after a refusal, whatever a Retry-After said. */
const MAX_KEEP_MS = 60 * 60_000;
/** How long after a rate-limit wait a new refusal still counts as one in a row. */
const BACKOFF_MEMORY_MS = 15 * 60_000;
/** IndexedDB can stall (a blocked upgrade, a busy disk): past this, the flow goes on without it. */
const STORAGE_BUDGET_MS = 1_500;

const DB_NAME = 'mfa-otp-flow';
const SESSIONS = 'sessions';
const KEYS = 'keys';
const HINT = 'mfa-otp-flow:live';
/** Buckets kept in the hint at most; the oldest go first. */
const HINT_ENTRIES = 64;

/** Where a flow's MFA session lives: its identity, and the vendor host it talks to. */
export interface Place extends Identity {
  baseUrl: string;
}

export interface SessionRecord {
  sessionId: string;
  /** Codes sent in the session (0 when the first send was refused). */
  sent: number;
  /** Epoch ms before which no new code is offered. */
  resendAt: number;
  /** Epoch ms when token/generate opened the session. */
  openedAt: number;
  /** Rate-limit refusals in a row, for the backoff. */
  refusals: number;
  /** Epoch ms before which the vendor will refuse a new code (0: none known). */
  retryAt: number;
  /** The code of the last refusal (429, 1534), to report it again. */
  refusalCode: number;
  /** Epoch ms of the last refusal (0: none). */
  refusedAt: number;
}

/** A record whose session can still be taken up: opened under 15 minutes ago, with a code sent. */
export function isResumable(record: SessionRecord | null, now: number): record is SessionRecord {
  return record !== null && record.sent > 0 && now < record.openedAt + SESSION_TTL_MS;
}

/**
 * When a record goes: with its session, or, after a refusal, once the wait is over and the next
 * refusal could no longer count as one in a row (15 minutes later), but never an hour past the refusal.
 */
const expiryOf = (record: SessionRecord): number =>
  Math.max(
    record.openedAt + SESSION_TTL_MS,
    record.refusedAt ? Math.min(record.retryAt + BACKOFF_MEMORY_MS, record.refusedAt + MAX_KEEP_MS) : 0,
  );

// ---- the database ------------------------------------------------------------------------

let database: Promise<IDBDatabase | null> | null = null;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDatabase(): Promise<IDBDatabase | null> {
  database ??= withinTime(STORAGE_BUDGET_MS, () =>
    new Promise<IDBDatabase | null>((resolve, reject) => {
      const open = globalThis.indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore(SESSIONS);
        open.result.createObjectStore(KEYS);
      };
      open.onsuccess = () => {
        const db = open.result;
        // Another tab deleting or upgrading the database: let it, and open again next time.
        db.onversionchange = () => {
          db.close();
          database = null;
        };
        resolve(db);
      };
      open.onerror = () => reject(open.error);
      open.onblocked = () => resolve(null);
    }),
  ).then((db) => {
    if (!db) database = null; // try again next time rather than never
    return db;
  });
  return database;
}

async function store(name: string, mode: IDBTransactionMode): Promise<IDBObjectStore | null> {
  const db = await openDatabase();
  return db ? db.transaction(name, mode).objectStore(name) : null;
}

/**
 * Runs one change and resolves once its transaction has committed, not merely once the request
 * succeeded: a page that reloads right after a code was sent must find the record.
 */
async function change(name: string, act: (store: IDBObjectStore) => IDBRequest): Promise<void> {
  const target = await store(name, 'readwrite');
  if (!target) return;
  const tx = target.transaction;
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
    act(target);
  });
}

// ---- the key --------------------------------------------------------------------------------

let hmacKey: Promise<CryptoKey | null> | null = null;

/** This browser's HMAC key: made once, kept non-extractable in IndexedDB. Null where that fails. */
function browserKey(): Promise<CryptoKey | null> {
  hmacKey ??= withinTime(STORAGE_BUDGET_MS, async () => {
    const stored = await request((await store(KEYS, 'readonly'))!.get('hmac'));
    if (stored instanceof CryptoKey) return stored;
    const made = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    // `add`, not `put`: when two tabs make a key at once, the first one written is everyone's.
    await change(KEYS, (keys) => keys.add(made, 'hmac')).catch(() => undefined);
    const kept = await request((await store(KEYS, 'readonly'))!.get('hmac'));
    return kept instanceof CryptoKey ? kept : null;
  }).then((key) => {
    if (!key) hmacKey = null;
    return key;
  });
  return hmacKey;
}

const identityText = (place: Place): string =>
  [place.baseUrl, place.brand, place.identifierType, place.identifierValue, place.deviceId].join('\u0000');

/** The record's key: HMAC of the identity under this browser's key, hex. Null without storage. */
export async function keyOf(place: Place): Promise<string | null> {
  try {
    const key = await browserKey();
    if (!key) return null;
    const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(identityText(place)));
    return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return null;
  }
}

// ---- records --------------------------------------------------------------------------------

/** The record's numbers: each a finite number, not negative. */
const NUMBERS = ['sent', 'resendAt', 'openedAt', 'refusals', 'retryAt', 'refusalCode', 'refusedAt'] as const;

/** A stored value as a record, or null when it is not one (garbage, another version's shape). */
function asRecord(value: unknown): SessionRecord | null {
  const r = (value ?? {}) as Record<string, unknown>;
  const { sessionId } = r;
  if (typeof sessionId !== 'string' || !sessionId || sessionId.length > 512) return null;
  const record: Record<string, unknown> = { sessionId };
  for (const name of NUMBERS) {
    const n = r[name];
    if (typeof n !== 'number' || !(n >= 0) || n === Infinity) return null;
    record[name] = n;
  }
  return record as unknown as SessionRecord;
}

/** The record under `key`, or null (none, expired, unreadable). An expired or unreadable one is swept. */
export async function readRecord(key: string | null): Promise<SessionRecord | null> {
  if (!key) return null;
  const found = await withinTime(STORAGE_BUDGET_MS, async () => {
    const raw: unknown = await request((await store(SESSIONS, 'readonly'))!.get(key));
    if (raw === undefined) return null;
    const record = asRecord(raw);
    if (record && clock.now() < expiryOf(record)) return record;
    void removeRecord(key);
    return null;
  });
  return found ?? null;
}

export async function writeRecord(key: string | null, place: Place, record: SessionRecord): Promise<void> {
  if (!key) return;
  markLive(place, expiryOf(record));
  await withinTime(STORAGE_BUDGET_MS, () => change(SESSIONS, (sessions) => sessions.put(record, key)));
}

export async function removeRecord(key: string | null): Promise<void> {
  if (!key) return;
  await withinTime(STORAGE_BUDGET_MS, () => change(SESSIONS, (sessions) => sessions.delete(key)));
}

// ---- the hint ---------------------------------------------------------------------------------

interface Hint {
  salt: string;
  /** [bucket, epoch ms until which a record may be live] */
  live: [string, number][];
}

function readHint(): Hint | null {
  const raw = globalThis.localStorage?.getItem(HINT);
  if (raw === null || raw === undefined) return null;
  // Entries of the wrong type only fail to match; a hint of the wrong shape is written anew.
  const hint = JSON.parse(raw) as Hint;
  if (typeof hint?.salt !== 'string' || !Array.isArray(hint.live)) throw new TypeError('not a hint');
  return hint;
}

/** FNV-1a of the salted identity, cut to 16 bits: a bucket, not an identifier. */
function bucketOf(salt: string, place: Place): string {
  const text = salt + identityText(place);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return ((h >>> 16) ^ (h & 0xffff)).toString(16);
}

function markLive(place: Place, until: number): void {
  try {
    let hint: Hint | null = null;
    try {
      hint = readHint();
    } catch {
      // garbage: written anew below
    }
    const salt = hint?.salt ?? crypto.randomUUID(); // outside a secure context this throws: no hint
    const bucket = bucketOf(salt, place);
    const now = clock.now();
    const live = (hint?.live ?? []).filter(([b, t]) => b !== bucket && t > now);
    live.push([bucket, until]);
    globalThis.localStorage?.setItem(HINT, JSON.stringify({ salt, live: live.slice(-HINT_ENTRIES) }));
  } catch {
    // Without the hint every start looks in IndexedDB first: slower, still right.
  }
}

/**
 * Whether a session of this identity may be live in this browser. False only when the hint says
 * for sure that none is; a hint that cannot be read answers true, so that IndexedDB has the last word.
 */
export function mayHaveLiveSession(place: Place, now: number): boolean {
  try {
    const hint = readHint();
    if (!hint) return false;
    const bucket = bucketOf(hint.salt, place);
    return hint.live.some(([b, until]) => b === bucket && until > now);
  } catch {
    return true;
  }
}

/**
 * Waits for this browser's turn to decide whether to send a code, and resolves to the function that
 * ends it; null when `signal` aborted first. One Web Lock for the whole origin, not one per
 * identity: it can be asked for before the identity's key is known (and sends are rare). Where Web
 * Locks are missing, the turn is taken at once, as before.
 */
export function takeTurn(signal: AbortSignal): Promise<(() => void) | null> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks?.request) return Promise.resolve(() => undefined);
  return new Promise((resolve) => {
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    locks
      .request('mfa-otp-flow:send', { signal }, () => {
        resolve(release);
        return held;
      })
      .catch(() => resolve(null));
  });
}
