import { createHash } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../core/core.js';
import type { Clock } from '../core/ports/clock.js';
import { systemClock } from '../core/ports/clock.js';
import type { SharedLimits } from '../core/shared-limits.js';
import { DEFAULT_ACCESS_LIMITS, type AccessLimits } from './access-limits.js';
import { SatiotError } from '../errors/satiot-error.js';
import { bearerToken, forwarded } from './auth.js';

export { DEFAULT_ACCESS_LIMITS, type AccessLimits } from './access-limits.js';

const hashed = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);
const GATEWAY = /^\/api\/v1\/gateway\//;
const EXEMPT = /^\/api\/(docs|openapi\.json)(\/|$|\?)/;
/** A load balancer's probes: answered whatever the shared store does (they carry no key to lock out). */
const PROBES = /^\/(healthz|readyz)(\?|$)/;

/** Which bucket a request counts in: a station (by token hash), an API key (by id) or a client address. */
export function limitKey(req: FastifyRequest): string {
  if (GATEWAY.test(req.url)) {
    const t = bearerToken(req);
    return t ? `station:${hashed(t)}` : `ip:${req.ip}`;
  }
  if (req.principal) return `key:${req.principal.keyId ?? 'bootstrap'}`;
  return `ip:${req.ip}`;
}

function isEmergencyDownlink(req: FastifyRequest): boolean {
  return (
    req.method === 'POST' &&
    /\/downlinks$/.test(req.routeOptions.url ?? '') &&
    (req.body as { priority?: unknown } | undefined)?.priority === 'emergency'
  );
}

/**
 * Which credentials a request presents, for the lock-out: station tokens on the Gateway API, API keys
 * elsewhere. Each kind fails and locks in buckets of its own, so a flood of bad API keys from an
 * address never stops that address's station batches, nor the other way round.
 */
export type CredentialKind = 'api' | 'station';

export const credentialKind = (req: FastifyRequest): CredentialKind => (GATEWAY.test(req.url) ? 'station' : 'api');

/**
 * The lock-out buckets of a request: its client address (as the trusted proxies resolve it) and,
 * when it presents one, its credential (a hash of the token: never the token itself), each per kind.
 */
export function lockoutBuckets(req: FastifyRequest): {
  readonly source: string;
  readonly credential: string | undefined;
} {
  const kind = credentialKind(req);
  const token = bearerToken(req);
  return { source: `${kind}:ip:${req.ip}`, credential: token ? `${kind}:cred:${hashed(token)}` : undefined };
}

/**
 * Whether `address` is one of the trusted proxies (addresses or CIDR ranges, as `--trust-proxy`
 * takes them); an IPv4-mapped IPv6 address is checked as its IPv4 address.
 */
export function proxyMatcher(trusted: readonly string[]): (address: string | undefined) => boolean {
  if (trusted.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of trusted) {
    const [addr = '', bits] = entry.split('/');
    const type = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : undefined;
    // Fastify's names ("loopback", …) are not ranges BlockList knows: only addresses and CIDR ranges count here.
    if (!type) continue;
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return (address) => {
    if (!address) return false;
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (v4 !== undefined) return list.check(v4, 'ipv4') || list.check(address, 'ipv6');
    return isIPv4(address) ? list.check(address, 'ipv4') : isIPv6(address) && list.check(address, 'ipv6');
  };
}

/** Sources whose failures or lock-outs are remembered at most, per node (in memory). */
const MAX_TRACKED = 100_000;

/** Failed keys per bucket (a source address or a presented credential, per kind), and the buckets locked out. */
export interface Lockout {
  /** Seconds until `source` may try again, or 0. */
  retryAfter(source: string): Promise<number>;
  /** Records a failed key; true when this failure locks the bucket out. */
  fail(source: string): Promise<boolean>;
}

/** In memory, per node (one node, SQLite): a sliding window of failures per source. */
export class AuthLockout implements Lockout {
  private readonly failures = new Map<string, number[]>();
  private readonly locked = new Map<string, number>();

  constructor(
    private readonly policy: { failures: number; windowMs: number; lockMs: number },
    private readonly clock: Clock = systemClock,
  ) {}

  async retryAfter(source: string): Promise<number> {
    const until = this.locked.get(source);
    if (until === undefined) return 0;
    const left = until - this.clock.now();
    if (left <= 0) {
      this.locked.delete(source);
      return 0;
    }
    return Math.ceil(left / 1000);
  }

  async fail(source: string): Promise<boolean> {
    const now = this.clock.now();
    const recent = (this.failures.get(source) ?? []).filter((t) => now - t < this.policy.windowMs);
    recent.push(now);
    if (recent.length >= this.policy.failures) {
      this.failures.delete(source);
      this.locked.set(source, now + this.policy.lockMs);
      if (this.locked.size > MAX_TRACKED) for (const [k, until] of this.locked) if (until <= now) this.locked.delete(k);
      return true;
    }
    this.failures.delete(source);
    this.failures.set(source, recent);
    // A flood of sources: forget the sources least recently seen (Map keeps insertion order), never everyone's count.
    for (const k of this.failures.keys()) {
      if (this.failures.size <= MAX_TRACKED) break;
      this.failures.delete(k);
    }
    return false;
  }
}

/** In the shared store: failures counted in fixed windows, lock-outs every node honours. */
export class SharedLockout implements Lockout {
  constructor(
    private readonly store: SharedLimits,
    private readonly policy: { failures: number; windowMs: number; lockMs: number },
    private readonly clock: Clock = systemClock,
  ) {}

  async retryAfter(source: string): Promise<number> {
    const until = await this.store.lockedUntil(source);
    const left = until === undefined ? 0 : until - this.clock.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  async fail(source: string): Promise<boolean> {
    const now = this.clock.now();
    const { count } = await this.store.hit(`fail:${source}`, this.policy.windowMs, now);
    if (count !== this.policy.failures) return false; // locked once, when the count reaches the limit
    await this.store.lock(source, now + this.policy.lockMs);
    return true;
  }
}

/** Counts hits of a key in fixed windows: the shared LimitStore, or one in this node's memory. */
export interface HitCounter {
  hit(key: string, windowMs: number, now: number): Promise<{ readonly count: number; readonly resetAt: number }>;
}

/** Fixed windows in memory, least recently used keys forgotten past `capacity`. */
export class MemoryHitCounter implements HitCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly capacity = 50_000) {}

  async hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    const start = Math.floor(now / windowMs) * windowMs;
    const w = this.windows.get(key);
    const next = w && w.start === start ? { start, count: w.count + 1 } : { start, count: 1 };
    this.windows.delete(key);
    this.windows.set(key, next);
    for (const k of this.windows.keys()) {
      if (this.windows.size <= this.capacity) break;
      this.windows.delete(k);
    }
    return { count: next.count, resetAt: start + windowMs };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway budget of a station, shared with its HTTP requests (accessLimits). */
    stationLimiter: StationLimiter;
  }
}

/** @fastify/rate-limit's store contract over a HitCounter (the same buckets the MQTT gateway counts in). */
function rateStore(counter: HitCounter) {
  return class CounterStore {
    incr(
      key: string,
      cb: (err: Error | null, res?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const now = Date.now();
      counter.hit(key, timeWindow, now).then(
        (r) => cb(null, { current: r.count, ttl: Math.max(0, r.resetAt - now) }),
        (e: unknown) => cb(e as Error),
      );
    }

    child(): this {
      return this;
    }
  };
}

/** A station's gateway budget, for callers outside HTTP (the MQTT gateway): true when this batch may go. */
export type StationLimiter = (
  token: string,
) => Promise<{ readonly allowed: boolean; readonly retryAfterSeconds: number }>;

export interface AccessLimitsOptions {
  readonly limits?: Partial<AccessLimits>;
  readonly core?: Core;
  /** Counters and lock-outs every node shares (the cluster's store); this node's memory without it. */
  readonly shared?: SharedLimits;
  /**
   * The clock lock-outs run on: wall-clock time by default, never the core's (it may be simulated, ×60 in `satiot
   * demo`).
   */
  readonly clock?: Clock;
  /** The app's trusted proxies (`--trust-proxy`): a request through one of them is never exempt from the lock-out. */
  readonly trustProxy?: readonly string[];
}

/** Installs the limits on the app (before the routes: the rate limiter attaches to routes as they are added). */
export const accessLimits = fp<AccessLimitsOptions>(
  async (app, opts) => {
    const limits = { ...DEFAULT_ACCESS_LIMITS, ...opts.limits };
    const core = opts.core;
    const counter: HitCounter = opts.shared ?? new MemoryHitCounter();
    const stationMax = limits.station === false ? Number.MAX_SAFE_INTEGER : limits.station;
    const stationLimiter: StationLimiter = async (token) => {
      const now = Date.now();
      const r = await counter.hit(`station:${hashed(token)}`, 60_000, now);
      return { allowed: r.count <= stationMax, retryAfterSeconds: Math.max(1, Math.ceil((r.resetAt - now) / 1000)) };
    };
    app.decorate('stationLimiter', stationLimiter);
    if (limits.lockout) {
      const lockout: Lockout = opts.shared
        ? new SharedLockout(opts.shared, limits.lockout, opts.clock)
        : new AuthLockout(limits.lockout, opts.clock);
      const policy = limits.lockout;
      const exemptPeers = new Set(limits.lockoutExempt);
      const isProxy = proxyMatcher(opts.trustProxy ?? []);
      // The exemption belongs to the socket peer itself (the CLI on this machine), never to an address a
      // proxy forwarded, nor to a trusted proxy (a local proxy would otherwise exempt every client), nor
      // to a request carrying forwarding headers (a local proxy nobody declared with --trust-proxy).
      const exempt = (req: FastifyRequest): boolean => {
        const peer = req.socket.remoteAddress;
        return peer !== undefined && exemptPeers.has(peer) && !isProxy(peer) && !forwarded(req);
      };
      app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
        if (PROBES.test(req.url) || exempt(req)) return;
        const { source, credential } = lockoutBuckets(req);
        // A shared lock-out table that cannot be reached does not stop the node: the request goes on
        // (and meets the store's own error if it needs the store).
        let wait: number,
          scope: 'source' | 'credential' = 'source';
        try {
          wait = await lockout.retryAfter(source);
          if (wait === 0 && credential) {
            wait = await lockout.retryAfter(credential);
            scope = 'credential';
          }
        } catch (e) {
          req.log.warn({ err: e }, 'lock-out check skipped: the shared store did not answer');
          return;
        }
        if (wait > 0) {
          reply.header('retry-after', String(wait));
          const what =
            scope === 'source' ? 'too many failed keys from this address' : 'this key or token failed too often';
          throw new SatiotError('KEY_LOCKED_OUT', `${what}: locked out for ${wait} s more`, {
            retryAfterSeconds: wait,
            scope,
          });
        }
      });
      // Counted before the 401 is sent (onSend, not onResponse): a client that has its answer finds the
      // failure counted, and the lock in place, on whichever node it tries next.
      app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        if (reply.statusCode !== 401 || exempt(req)) return payload;
        const { source, credential } = lockoutBuckets(req);
        const bucket = credentialKind(req);
        const count = (key: string) =>
          lockout.fail(key).catch((e: unknown) => {
            req.log.warn({ err: e }, 'failed key not counted: the shared store did not answer');
            return false;
          });
        const audited = async (target: { kind: string; id: string }) => {
          if (!core) return;
          await core.audit
            .append({
              actor: { kind: 'system', id: 'auth-lockout' },
              action: 'auth.lockout',
              target,
              outcome: 'denied',
              details: {
                bucket,
                failures: policy.failures,
                windowMs: policy.windowMs,
                lockedForMs: policy.lockMs,
                lastRoute: req.routeOptions.url ?? null,
              },
              sourceIp: req.ip,
            })
            .catch((e: unknown) => req.log.error({ err: e }, 'audit append failed'));
        };
        if (await count(source)) await audited({ kind: 'source', id: req.ip });
        // The credential's id in the record is its hash: the token itself is never written down.
        if (credential && (await count(credential)))
          await audited({ kind: 'credential', id: credential.slice(credential.lastIndexOf(':') + 1) });
        return payload;
      });
    }
    if (limits.api !== false || limits.station !== false) {
      const api = limits.api === false ? Number.MAX_SAFE_INTEGER : limits.api;
      const station = stationMax;
      await app.register(rateLimit, {
        global: true,
        store: rateStore(counter),
        // A shared store that cannot be reached does not stop the API (the store's own errors answer then).
        skipOnError: true,
        // After authentication (route plugins authenticate in their own preHandler hooks, which run
        // first): keys are counted by id, and the parsed body tells an emergency downlink.
        hook: 'preHandler',
        timeWindow: 60_000,
        // An emergency downlink counts in a bucket of its own: a key that used up its budget of requests
        // can still send one, and a flood of emergencies (each refused past the tenant's emergency
        // budget, src/core/emergency-budget.ts) is still held to the key's rate.
        keyGenerator: (req: FastifyRequest) =>
          isEmergencyDownlink(req) ? `emergency:${limitKey(req)}` : limitKey(req),
        max: (_req: FastifyRequest, key: string) => (key.startsWith('station:') ? station : api),
        allowList: (req: FastifyRequest) => !req.url.startsWith('/api/') || EXEMPT.test(req.url),
        errorResponseBuilder: (_req: FastifyRequest, ctx: { after: string; ttl: number; max: number }) =>
          new SatiotError(
            'RATE_LIMITED',
            `rate limit of ${ctx.max} requests per minute reached; retry in ${ctx.after}`,
            { retryAfterSeconds: Math.ceil(ctx.ttl / 1000), limitPerMinute: ctx.max },
          ),
      });
    }
  },
  { name: 'satiot-access-limits' },
);
