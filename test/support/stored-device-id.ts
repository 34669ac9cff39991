// Test files share this origin's storage: tests that change the stored device ID put it back, and
// forget the device-id module's memory of it, as a reload would.
import { DEVICE_ID_STORAGE_KEY, resetDeviceIdCacheForTests } from '../../src/device/device-id.js';

/** Call inside a describe(): from then on each test ends with the stored device ID as it found it. */
export function restoreStoredDeviceId(): void {
  let saved: string | null = null;
  beforeEach(() => {
    saved = localStorage.getItem(DEVICE_ID_STORAGE_KEY);
  });
  afterEach(() => {
    resetDeviceIdCacheForTests();
    if (saved === null) localStorage.removeItem(DEVICE_ID_STORAGE_KEY);
    else localStorage.setItem(DEVICE_ID_STORAGE_KEY, saved);
  });
}
