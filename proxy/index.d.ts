// Types of `mfa-otp-flow/server` (proxy/index.js), the forwarding server. Node only: the types need
// @types/node (node:http, and Request/Response without the DOM library), as any Node library's do.
/// <reference types="node" />
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** The three forwarded routes, under `${pathPrefix}/auth/v1/mfa/`. */
export declare const ROUTES: readonly ['token/generate', 'otp/generate', 'otp/validate'];
/** Each route's documented fields; a request with any other field is refused (400). */
export declare const ROUTE_FIELDS: Readonly<Record<(typeof ROUTES)[number], Readonly<Record<string, (value: string) => boolean>>>>;

/** A configuration mistake, thrown when the handler or server is created (never names a credential). */
export declare class ConfigError extends Error {}

export interface ProxyOptions {
  /** Capillary's regional host, e.g. `https://eu.api.capillarytech.com` (CAPILLARY_BASE_URL). */
  baseUrl: string;
  /** With `basicPassword`: `Authorization: Basic …` on each forwarded call (CAPILLARY_BASIC_USER). */
  basicUser?: string;
  basicPassword?: string;
  /** `Authorization: Bearer …` on each forwarded call (CAPILLARY_BEARER_TOKEN); not with basic. */
  bearerToken?: string;
  /** Where the routes are served; default `/api/capillary` (PROXY_PATH_PREFIX). */
  pathPrefix?: string;
  /** Other origins allowed to call, with CORS (ALLOWED_ORIGINS); never `*`. */
  allowedOrigins?: string[];
  /** The origins the site itself is served at, for the same-origin check behind a proxy (PUBLIC_ORIGINS). */
  publicOrigins?: string[];
  /**
   * Which proxies in front may name the client in X-Forwarded-For (TRUST_PROXY): `false` (default),
   * a hop count, or addresses / CIDRs / `loopback` / `linklocal` / `uniquelocal`. `true` trusts all.
   */
  trustProxy?: boolean | number | string | string[];
  /** When set, a request for any other brand is refused (BRAND). */
  brand?: string;
  /** Requests per minute per client address (IPv6: per /64); default 30; 0 = off (RATE_LIMIT). */
  rateLimit?: number;
  /** `otp/generate` calls per customer per window, whatever the address; default 5; 0 = off (SEND_LIMIT). */
  sendLimit?: number;
  /** The send limit's window in seconds; default 900 (SEND_WINDOW_SECONDS). */
  sendWindowSeconds?: number;
  /** Keep the limits in this Redis, shared by every instance (REDIS_URL; needs the `ioredis` package). */
  redisUrl?: string;
  /** An ioredis client to keep the limits in, instead of `redisUrl`. */
  redis?: object | null;
  /** HMAC secret of the per-customer keys; default derived from the credentials (LIMIT_KEY_SECRET). */
  limitKeySecret?: string;
  /** Request body cap in bytes; default 8192 (MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** The whole upstream call; default 10000 ms (UPSTREAM_TIMEOUT_MS). */
  upstreamTimeoutMs?: number;
  /** A client's time to send its headers; default 10000 ms (HEADERS_TIMEOUT_MS). Node server only. */
  headersTimeoutMs?: number;
  /** A client's time to send its whole request; default 15000 ms (REQUEST_TIMEOUT_MS). Node server only. */
  requestTimeoutMs?: number;
  /** Open client connections at most; default 1024 (MAX_CONNECTIONS). Node server only. */
  maxConnections?: number;
  /** Requests being answered at most; past it 503 + Retry-After; default 256 (MAX_IN_FLIGHT). */
  maxInFlight?: number;
  /** Sockets to Capillary at most; default 64 (UPSTREAM_CONNECTIONS). */
  upstreamConnections?: number;
  /** One line per request (no tokens, codes or identifiers); `true` (default) = console.log. */
  log?: boolean | ((line: string) => void);
}

export interface ClientInfo {
  /** The connecting peer's address; with `trustProxy`, X-Forwarded-For is read past it. */
  remoteAddress?: string;
  /** The path as received, before URL normalisation. */
  path?: string;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
}

export interface FetchHandler {
  (request: Request, info?: ClientInfo): Promise<Response>;
  /**
   * Settles when the limits are usable; rejects when `redisUrl` is set and `ioredis` is not installed.
   * Await it before serving (startProxy does) to fail at start rather than on every request.
   */
  readonly ready: Promise<void>;
  /** Ends upstream calls, closes the upstream pool and the Redis connection it opened. */
  close(): Promise<void>;
  /** Ends the upstream calls in flight (answered 503). */
  abortAll(): void;
  /** Requests being answered now. */
  inFlight(): number;
}

export interface NodeHandler {
  (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): Promise<void>;
  close(): Promise<void>;
  abortAll(): void;
  inFlight(): number;
}

export interface RunningProxy {
  /** e.g. `http://127.0.0.1:8788`; the widget's base-url is this plus the path prefix. */
  url: string;
  port: number;
  /** Stops accepting, lets calls in flight finish for up to graceMs (default 5000), ends the rest (503). */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** The forwarding logic as a Fetch API handler (Next.js route handlers, Hono, Deno, Bun, edge runtimes). */
export declare function createFetchHandler(options: ProxyOptions): FetchHandler;
/** A node:http listener, or Express/connect middleware (outside its prefix it calls `next()`). */
export declare function createNodeHandler(options: ProxyOptions): NodeHandler;
/** A node:http server running it, with the client timeouts and connection cap applied. */
export declare function createProxy(options: ProxyOptions): Server & { proxy: NodeHandler };
/** Starts that server; default 127.0.0.1:8788. */
export declare function startProxy(options: ProxyOptions & { port?: number; host?: string }): Promise<RunningProxy>;
/** The options from environment variables (names in the comments above), `--port`/`--host` over PORT/HOST. */
export declare function optionsFromEnv(env: Record<string, string | undefined>, args?: string[]): ProxyOptions & { port: number; host: string };
/** Checks the options as the handler does; throws ConfigError. */
export declare function resolveOptions(options: ProxyOptions): unknown;
