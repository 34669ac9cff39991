// Browser-side helpers for the emulator's control endpoints (docs/emulator-spec.md). Each sandbox is
// a random namespace on the test server's origin, so tests never see each other's state.
import type { IdentifierType } from '../../src/api/types.js';

import type { Endpoint as VendorEndpoint, FaultSpec } from '../../sandbox/fault-types.js';

export type Endpoint = VendorEndpoint | '*';
export type { FaultSpec };

export interface EmulatorConfig {
  otpLength: number;
  otpMaxCount: number | null;
  otpTimeOut: number | null;
  maxWrongAttempts: number;
  sessionTtlMinutes: number;
  otpTtlMinutes: number;
  firstFactorTtlMinutes: number;
  rateLimitCode: number;
}

export interface OutboxMessage {
  id: string;
  channel: 'sms' | 'email';
  identifierType: IdentifierType;
  identifierValue: string;
  brand: string;
  sessionId: string;
  deviceId: string;
  code: string;
  sentAt: number;
}

export interface FirstFactorIdentity {
  identifierType?: IdentifierType;
  identifierValue?: string;
  brand?: string;
}

export interface Sandbox {
  /** `/sandbox/<namespace>`: pass it as the client's or element's base URL. */
  readonly baseUrl: string;
  readonly namespace: string;
  /** A first-factor token the emulator accepts as `authorizedToken`. */
  mintToken(identity?: FirstFactorIdentity): Promise<string>;
  outbox(identifierValue?: string): Promise<OutboxMessage[]>;
  clearOutbox(): Promise<void>;
  /** The code of the newest message (for that identifier); rejects when nothing was sent. */
  latestCode(identifierValue?: string): Promise<string>;
  /** Queues a fault; resolves to its id. */
  fault(spec: FaultSpec): Promise<string>;
  clearFaults(): Promise<void>;
  /** Changes (or, with no argument, reads) the namespace's config; resolves to the whole config. */
  config(partial?: Partial<EmulatorConfig>): Promise<EmulatorConfig>;
  /** Moves the namespace's clock forward; resolves to its new `now` (epoch ms). */
  advanceClock(ms: number): Promise<number>;
  reset(): Promise<void>;
}

// Captured once: tests that stub globalThis.fetch must not reroute the control calls.
const realFetch = globalThis.fetch.bind(globalThis);

async function control<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'Content-Type': 'application/json' };
  }
  const res = await realFetch(`${baseUrl}/__emulator/${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator ${method} ${path} → HTTP ${res.status}: ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

function randomNamespace(): string {
  return 't-' + crypto.randomUUID().replace(/-/g, '');
}

export async function newSandbox(): Promise<Sandbox> {
  const namespace = randomNamespace();
  const baseUrl = `/sandbox/${namespace}`;
  const call = <T>(method: string, path: string, body?: unknown) =>
    control<T>(baseUrl, method, path, body);
  const query = (identifierValue?: string) =>
    identifierValue === undefined ? '' : `?identifierValue=${encodeURIComponent(identifierValue)}`;
  const outbox = async (identifierValue?: string) =>
    (await call<{ messages: OutboxMessage[] }>('GET', `outbox${query(identifierValue)}`)).messages;

  const sandbox: Sandbox = {
    baseUrl,
    namespace,
    mintToken: async (identity = {}) =>
      (await call<{ authorizedToken: string }>('POST', 'first-factor', identity)).authorizedToken,
    outbox,
    clearOutbox: async () => {
      await call('DELETE', 'outbox');
    },
    latestCode: async (identifierValue) => {
      const messages = await outbox(identifierValue);
      const last = messages[messages.length - 1];
      if (!last) throw new Error(`no OTP in the outbox${identifierValue ? ` for ${identifierValue}` : ''}`);
      return last.code;
    },
    fault: async (spec) => (await call<{ id: string }>('POST', 'faults', spec)).id,
    clearFaults: async () => {
      await call('DELETE', 'faults');
    },
    config: (partial) =>
      partial === undefined ? call<EmulatorConfig>('GET', 'config') : call<EmulatorConfig>('POST', 'config', partial),
    advanceClock: async (ms) => (await call<{ now: number }>('POST', 'clock', { advanceMs: ms })).now,
    reset: async () => {
      await call('POST', 'reset');
    },
  };
  return sandbox;
}
