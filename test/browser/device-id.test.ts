// The device ID: stable across calls and visits, fingerprinting (src/device/fingerprint.ts and the
// FingerprintJS parts it uses) only when nothing is stored, and an ID whatever breaks. Order matters for
// the first test: it needs a page that never loaded either.
import { expect } from '@open-wc/testing';
import {
  DEVICE_ID_STORAGE_KEY,
  getDeviceId,
  knownDeviceId,
  prefetchDeviceId,
  resetDeviceIdCacheForTests,
} from '../../src/device/device-id.js';
import { restoreStoredDeviceId } from '../support/stored-device-id.js';

const VISITOR_ID = /^[0-9a-f]{32}$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Whether this page fetched the fingerprint module or FingerprintJS (the dev server serves both as is). */
const fingerprintLoaded = () =>
  performance
    .getEntriesByType('resource')
    .some((entry) => entry.name.includes('/device/fingerprint.') || entry.name.includes('@fingerprintjs'));

/** A page reload as far as this module is concerned: memory gone, storage kept. */
const reload = resetDeviceIdCacheForTests;

describe('device ID', () => {
  restoreStoredDeviceId();

  it('returns the stored ID without loading the fingerprint module or FingerprintJS', async () => {
    localStorage.setItem(DEVICE_ID_STORAGE_KEY, 'stored-0123456789abcdef');
    reload();
    expect(await getDeviceId()).to.equal('stored-0123456789abcdef');
    expect(fingerprintLoaded()).to.equal(false);
  });

  it('fingerprints when nothing is stored, without writing iframe.srcdoc, and stores the result', async () => {
    const srcdoc = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'srcdoc')!;
    let srcdocWrites = 0;
    Object.defineProperty(HTMLIFrameElement.prototype, 'srcdoc', {
      ...srcdoc,
      set(value: string) {
        srcdocWrites += 1;
        srcdoc.set!.call(this, value);
      },
    });
    try {
      localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
      reload();
      const id = await getDeviceId();
      expect(id).to.match(VISITOR_ID);
      expect(localStorage.getItem(DEVICE_ID_STORAGE_KEY)).to.equal(id);
      expect(fingerprintLoaded()).to.equal(true);
      expect(srcdocWrites).to.equal(0);

      // The stock agent does write srcdoc (its fontPreferences source): the spy would have seen it.
      const fp = await import('@fingerprintjs/fingerprintjs');
      await (await fp.load({ monitoring: false })).get();
      expect(srcdocWrites).to.be.greaterThan(0);
    } finally {
      Object.defineProperty(HTMLIFrameElement.prototype, 'srcdoc', srcdoc);
    }
  });

  it('never sends the FingerprintJS monitoring request (load() is never called)', async () => {
    const { open, send } = XMLHttpRequest.prototype;
    const { random } = Math;
    const opened: string[] = [];
    XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: unknown[]) {
      opened.push(String(args[1]));
      return (open as (...a: unknown[]) => void).apply(this, args);
    } as typeof open;
    XMLHttpRequest.prototype.send = () => {}; // nothing actually goes out
    Math.random = () => 0; // load() sends it on 1 load in 1000; this makes it every one
    try {
      localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
      reload();
      expect(await getDeviceId()).to.match(VISITOR_ID);
      expect(opened).to.deep.equal([]);

      // The stock load() does send it: the spy would have seen it.
      const fp = await import('@fingerprintjs/fingerprintjs');
      await fp.load();
      expect(opened.some((url) => url.includes('monitoring'))).to.equal(true);
    } finally {
      Object.assign(XMLHttpRequest.prototype, { open, send });
      Math.random = random;
    }
  });

  it('keeps the same ID across calls and across a reload', async () => {
    localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
    reload();
    const first = await getDeviceId();
    expect(await getDeviceId()).to.equal(first);
    reload();
    expect(await getDeviceId()).to.equal(first);
    // Even with storage wiped, the same browser fingerprints to the same ID.
    localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
    reload();
    expect(await getDeviceId()).to.equal(first);
  });

  it('fingerprints to the same ID on 5 runs in a row, storage wiped before each', async () => {
    // What recovering the ID after a storage wipe relies on: no source in the set varies between runs.
    const ids: string[] = [];
    for (let run = 0; run < 5; run++) {
      localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
      reload();
      ids.push(await getDeviceId());
      expect(localStorage.getItem(DEVICE_ID_STORAGE_KEY)).to.equal(ids[run]);
    }
    expect(ids[0]).to.match(VISITOR_ID);
    expect(new Set(ids).size, ids.join(' ')).to.equal(1);
    // And the module on its own agrees, so none of the five fell back to a random ID.
    const { deviceFingerprint } = await import('../../src/device/fingerprint.js');
    expect(await deviceFingerprint()).to.equal(ids[0]);
  });

  it('knows a stored ID at once, a computed one once it resolves, and nothing before', async () => {
    localStorage.setItem(DEVICE_ID_STORAGE_KEY, 'stored-0123456789abcdef');
    reload();
    const { getItem } = Storage.prototype;
    let reads = 0;
    Storage.prototype.getItem = function (key: string) {
      reads += 1;
      return getItem.call(this, key);
    };
    try {
      expect(knownDeviceId()).to.equal('stored-0123456789abcdef');
      expect(await getDeviceId()).to.equal('stored-0123456789abcdef');
      expect(reads).to.equal(1); // the promise starts from what knownDeviceId read
    } finally {
      Storage.prototype.getItem = getItem;
    }
    localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
    reload({ fingerprint: async () => 'computed-0123456789abcdef' });
    expect(knownDeviceId()).to.equal(undefined);
    const pending = getDeviceId();
    expect(knownDeviceId()).to.equal(undefined);
    expect(await pending).to.equal('computed-0123456789abcdef');
    expect(knownDeviceId()).to.equal('computed-0123456789abcdef');
  });

  it('shares one computation between concurrent callers', async () => {
    localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
    let runs = 0;
    let finish!: () => void;
    const unfinished = new Promise<void>((resolve) => (finish = resolve));
    reload({
      fingerprint: async () => {
        runs += 1;
        await unfinished;
        return `fp-${runs}-0123456789abcdef`;
      },
    });
    const prefetched = prefetchDeviceId();
    const all = Promise.all([getDeviceId(), getDeviceId(), prefetched]);
    finish();
    const [a, b, c] = await all;
    expect(runs).to.equal(1);
    expect(getDeviceId()).to.equal(prefetched);
    expect([a, b, c]).to.deep.equal(['fp-1-0123456789abcdef', 'fp-1-0123456789abcdef', 'fp-1-0123456789abcdef']);
  });

  it('ignores a stored value it could not have written', async () => {
    localStorage.setItem(DEVICE_ID_STORAGE_KEY, '<img src=x onerror=alert(1)>');
    reload({ fingerprint: async () => 'fresh-0123456789abcdef' });
    expect(await getDeviceId()).to.equal('fresh-0123456789abcdef');
    expect(localStorage.getItem(DEVICE_ID_STORAGE_KEY)).to.equal('fresh-0123456789abcdef');
  });

  describe('when something fails', () => {
    const { getItem, setItem } = Storage.prototype;
    afterEach(() => {
      Storage.prototype.getItem = getItem;
      Storage.prototype.setItem = setItem;
    });
    const breakStorage = () => {
      Storage.prototype.getItem = () => {
        throw new DOMException('denied', 'SecurityError');
      };
      Storage.prototype.setItem = () => {
        throw new DOMException('full', 'QuotaExceededError');
      };
    };

    it('storage that throws still yields the fingerprint, and the same one each visit', async () => {
      breakStorage();
      reload();
      const first = await getDeviceId();
      expect(first).to.match(VISITOR_ID);
      reload();
      expect(await getDeviceId()).to.equal(first);
    });

    it('a failing FingerprintJS yields a stored random UUID', async () => {
      localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
      reload({ fingerprint: () => Promise.reject(new Error('blocked by an extension')) });
      const id = await getDeviceId();
      expect(id).to.match(UUID_V4);
      expect(localStorage.getItem(DEVICE_ID_STORAGE_KEY)).to.equal(id);
      reload({ fingerprint: () => Promise.reject(new Error('still blocked')) });
      expect(await getDeviceId()).to.equal(id);
    });

    it('a FingerprintJS that never finishes gives way to a UUID after the budget', async () => {
      localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
      reload({ fingerprint: () => new Promise<string>(() => {}), budgetMs: 100 });
      expect(await getDeviceId()).to.match(UUID_V4);
    });

    it('both failing at once still resolves, to a fresh UUID each visit', async () => {
      breakStorage();
      reload({
        fingerprint: () => {
          throw new Error('synchronous failure');
        },
      });
      const first = await getDeviceId();
      expect(first).to.match(UUID_V4);
      reload({ fingerprint: () => Promise.reject(new Error('no')) });
      expect(await getDeviceId()).to.match(UUID_V4).and.not.to.equal(first);
    });
  });
});
