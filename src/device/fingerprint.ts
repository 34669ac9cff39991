// The fingerprint behind the device ID. It is its own module so that it and the few FingerprintJS parts
// it imports form one lazy chunk, which device-id.ts fetches only when no ID is stored.
//
// Why not FingerprintJS's `sources` object with `loadSources`: importing `sources` keeps all ~40 sources
// in the bundle (that chunk was 39.5 KB minified, 15.2 KB gzip, against a 30 KB gzip budget for
// everything), and its `fontPreferences` source writes `iframe.srcdoc`, which
// `require-trusted-types-for 'script'` blocks. Here the set is built from individually exported pieces
// plus a few plain reads of our own, and collected by `settle` below rather than by `loadSources`,
// whose scheduling machinery (breaks between sources, durations) cost another 0.4 KB gzip for 13
// quick sources.
//
// Stability over uniqueness: the ID is kept in localStorage, and the fingerprint only serves to get the
// same ID back once storage has been wiped (cleared by the user, or a private window closed). So a read
// goes in only where it is not randomized or flattened, and browser-dependent reads only where
// FingerprintJS's own stable sources trust them (see `unspoofed`). A few devices sharing an ID costs less
// than one device whose ID changes.
import {
  getUnstableAudioFingerprint,
  getUnstableCanvasFingerprint,
  getUnstableHardwareConcurrency,
  getUnstableScreenResolution,
  getWebGLContext,
  hashComponents,
  isChromium,
  isSamsungInternet,
  isWebKit,
  prepareForSources,
  type Component,
} from '@fingerprintjs/fingerprintjs';

/** FingerprintJS's value for "audio skipped: this browser adds noise" (its `audio` source's -4). */
const AUDIO_SKIPPED = -4;

/** The device fingerprint: 32 hex digits, FingerprintJS's hash of the components below. */
export async function deviceFingerprint(): Promise<string> {
  // FingerprintJS's load() waits for an idle moment before reading, because some reads came out
  // differently otherwise (its issues 254 and 307). Same here.
  await prepareForSources();
  const chromium = isChromium();
  // FingerprintJS's stable `canvas` source skips its images in Safari ≥ 17 and Firefox ≥ 120, and its
  // `audio` source gives -4 in Safari ≥ 17 and Samsung Internet ≥ 26: those add noise to the pixels or
  // the signal in private or anti-tracking modes. Its version checks are not exported, so this is the
  // conservative side of them: only Chromium that is neither Samsung Internet nor Brave (which
  // randomizes canvas, audio and the core count per session) gets the images, the audio, the screen
  // size and the exact core count and memory; every other browser gets the rest.
  const unspoofed = chromium && !isSamsungInternet() && !('brave' in navigator);
  // Firefox, the engine that is neither, fakes touch points in private windows (≥ 143) and logs a
  // console warning when asked for WEBGL_debug_renderer_info (FingerprintJS avoids it there too).
  const notGecko = chromium || isWebKit();
  const n = navigator as Navigator & { deviceMemory?: number };
  // The sources start in this order (the async audio first, WebGL last, as in FingerprintJS, because a
  // WebGL context can disturb the canvas read); the hash sorts them by name.
  const sources = {
    audio: () => (unspoofed ? getUnstableAudioFingerprint() : AUDIO_SKIPPED),
    // The winding-rule check stays everywhere; the two rendered images only where unspoofed.
    canvas: () => getUnstableCanvasFingerprint(!unspoofed),
    screenResolution: () => (unspoofed ? getUnstableScreenResolution() : undefined),
    // Firefox ≥ 143 reports a fake core count in private windows, so FingerprintJS keeps only "8 or
    // more, or fewer" there; the same wherever the exact count is not trusted.
    hardwareConcurrency: () => {
      const cores = getUnstableHardwareConcurrency();
      return unspoofed || cores === undefined ? cores : cores >= 8 ? 8 : 4;
    },
    deviceMemory: () => (unspoofed ? n.deviceMemory : undefined),
    maxTouchPoints: () => (notGecko ? n.maxTouchPoints : undefined),
    // Every supported browser (Chrome 90+, Firefox 101+, Safari 16.4+) reports a zone name.
    timezone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    // Chromium's incognito windows list only the first language in `languages`, so there only
    // `language` counts (as in FingerprintJS).
    languages: () => (chromium ? [n.language] : [n.language, [...(n.languages ?? [])]]),
    colorDepth: () => screen.colorDepth,
    platform: () => n.platform,
    vendor: () => n.vendor,
    math,
    webGl: () => webGl(notGecko),
  };
  // All sources start before any is awaited, so the audio renders while the others run.
  const names = Object.keys(sources) as (keyof typeof sources)[];
  const components = await Promise.all(names.map((name) => settle(sources[name])));
  return hashComponents(Object.fromEntries(names.map((name, i) => [name, components[i]!])));
}

/**
 * One source's component, as FingerprintJS's loadSources makes it: a source may return its value or a
 * function for a second stage (the audio does: it renders in between); a source that throws becomes an
 * `error` component (hashed as the word "error") instead of failing the whole fingerprint. `duration`
 * is not hashed.
 */
async function settle(read: () => unknown): Promise<Component<unknown>> {
  try {
    let value = await read();
    if (typeof value === 'function') value = await value();
    return { value, duration: 0 };
  } catch (error) {
    return { error, duration: 0 };
  }
}

/** A few results that differ between JS engines and maths libraries, from FingerprintJS's `math` source. */
function math(): number[] {
  const M = Math;
  return [
    M.acos(0.123124234234234242),
    M.acosh(1e308),
    M.asinh(1),
    M.atanh(0.5),
    M.sin(-1e300),
    M.cos(10.000000000123),
    M.tan(-1e300),
    M.expm1(1),
    M.log1p(10),
    M.pow(M.PI, -100),
  ];
}

/** The GPU's vendor and renderer strings (unmasked where that is quiet); undefined without WebGL. */
function webGl(askUnmasked: boolean): [string, string] | undefined {
  const gl = getWebGLContext({});
  if (!gl || typeof gl.getParameter !== 'function') return undefined;
  const info = askUnmasked ? gl.getExtension('WEBGL_debug_renderer_info') : null;
  const read = (key: number) => String(gl.getParameter(key) ?? '');
  const result: [string, string] = info
    ? [read(info.UNMASKED_VENDOR_WEBGL), read(info.UNMASKED_RENDERER_WEBGL)]
    : [read(gl.VENDOR), read(gl.RENDERER)];
  // Give the context back now rather than at garbage collection: browsers cap live WebGL contexts per
  // page and drop the oldest, which could be the host page's own.
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return result;
}
