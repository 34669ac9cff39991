// Reads and tampers with what the element keeps for continuity (src/flow/continuity-store.ts), the
// way a curious user or a broken browser would: straight through IndexedDB and localStorage.

const DB = 'mfa-otp-flow';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function all(db: IDBDatabase, store: string): Promise<{ keys: IDBValidKey[]; values: unknown[] }> {
  if (!db.objectStoreNames.contains(store)) return Promise.resolve({ keys: [], values: [] });
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, 'readonly');
    const keys = tx.objectStore(store).getAllKeys();
    const values = tx.objectStore(store).getAll();
    tx.oncomplete = () => resolve({ keys: keys.result, values: values.result });
    tx.onerror = () => reject(tx.error);
  });
}

/** Every session record, with its key. */
export async function storedRecords(): Promise<{ key: string; value: unknown }[]> {
  const db = await open();
  try {
    const { keys, values } = await all(db, 'sessions');
    return keys.map((key, i) => ({ key: String(key), value: values[i] }));
  } finally {
    db.close();
  }
}

/** All the element keeps, as text: the records, the keys store, and its localStorage entries. */
export async function storedText(): Promise<string> {
  const db = await open();
  try {
    const sessions = await all(db, 'sessions');
    const keys = await all(db, 'keys');
    const local = Object.entries({ ...localStorage }).filter(([k]) => k.startsWith('mfa-otp-flow:'));
    return JSON.stringify({ sessions, keys: keys.keys, local });
  } finally {
    db.close();
  }
}

/** Replaces every stored record with `value` (garbage, another version's shape…). */
export async function overwriteRecords(value: unknown): Promise<number> {
  const db = await open();
  try {
    const { keys } = await all(db, 'sessions');
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('sessions', 'readwrite');
      for (const key of keys) tx.objectStore('sessions').put(value, key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    return keys.length;
  } finally {
    db.close();
  }
}

/** Deletes every session record, so that a test counts only its own. */
export async function clearRecords(): Promise<void> {
  const db = await open();
  try {
    if (!db.objectStoreNames.contains('sessions')) return;
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('sessions', 'readwrite');
      tx.objectStore('sessions').clear();
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}
