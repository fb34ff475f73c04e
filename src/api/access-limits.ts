// The API's request limits and their defaults, apart from the rate-limit plugin so that the CLI can
// show the defaults in its help without loading Fastify.

/**
 * Request limits of the HTTP API (docs/security.md, "Registration and access"):
 *
 * - per API key (`api`): requests per minute of one key (the bootstrap operator key is one key;
 *   unauthenticated public routes count per client address);
 * - per ground station (`station`): gateway batches per minute of one station token, in their own
 *   buckets, so API traffic never uses up a station's budget (uplink ingest is not starved);
 * - emergency downlinks (`priority: "emergency"`) count in a bucket of their own per key (the same
 *   `api` rate), so a key at its limit can still send one; their number has a budget per tenant too;
 * - lock-out: a source address that presents `failures` bad keys or tokens (401s) within
 *   `windowMs` is refused with KEY_LOCKED_OUT for `lockMs`, before any key is checked; audited.
 *   API keys and station tokens fail in buckets of their own (bad API keys never stop a station's
 *   batches from that address, nor the other way round), and a presented key or token that fails
 *   `failures` times from any addresses is locked on its own (only that credential).
 *
 * Over a limit: 429 RATE_LIMITED with Retry-After (seconds). With a shared LimitStore (the
 * cluster's PostgreSQL) every node counts into the same windows and honours the same lock-outs;
 * the source address is the client's as the trusted proxies (`--trust-proxy`) report it.
 */
export interface AccessLimits {
  /** Requests per minute per API key (default 1200); false: unlimited. */
  readonly api: number | false;
  /** Gateway requests per minute per ground station (default 600; each carries up to 5000 frames); false: unlimited. */
  readonly station: number | false;
  readonly lockout: { readonly failures: number; readonly windowMs: number; readonly lockMs: number } | false;
  /**
   * Socket peers never locked out (default the loopback addresses: an operator on the machine — the
   * CLI — can always get in, as the bootstrap key promises). Never a trusted proxy, nor an address a
   * proxy forwarded: behind a local proxy every client would be exempt.
   */
  readonly lockoutExempt: readonly string[];
}

export const DEFAULT_ACCESS_LIMITS: AccessLimits = {
  api: 1200,
  station: 600,
  lockout: { failures: 10, windowMs: 5 * 60_000, lockMs: 15 * 60_000 },
  lockoutExempt: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
};
