// Remembers the resend deadline per identity in sessionStorage, so a reload cannot skip the
// cooldown. Only the deadline is stored, under a hash of the identity: never a token, code,
// session id or the identifier itself.
import type { Identity } from '../api/types.js';

const PREFIX = 'mfa-otp-flow:resend:';

/** FNV-1a: enough to tell identities apart in one browser tab; this is not a security boundary. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

function keyFor(identity: Pick<Identity, 'brand' | 'identifierType' | 'identifierValue'>): string {
  return PREFIX + hash(`${identity.brand}\u0000${identity.identifierType}\u0000${identity.identifierValue}`);
}

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // access itself throws in some sandboxed iframes
  }
}

export function readCooldown(identity: Identity, now: number): number | null {
  try {
    const raw = storage()?.getItem(keyFor(identity));
    const at = raw === null || raw === undefined ? NaN : Number(raw);
    return Number.isFinite(at) && at > now ? at : null;
  } catch {
    return null;
  }
}

export function saveCooldown(identity: Identity, resendAt: number): void {
  try {
    storage()?.setItem(keyFor(identity), String(resendAt));
  } catch {
    // Full or blocked storage only costs the reload protection, never the flow.
  }
}

export function clearCooldown(identity: Identity): void {
  try {
    storage()?.removeItem(keyFor(identity));
  } catch {
    /* as above */
  }
}
