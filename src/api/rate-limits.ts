import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../core/core.js';
import type { Clock } from '../core/ports/clock.js';
import { systemClock } from '../core/ports/clock.js';
import type { SharedLimits } from '../core/shared-limits.js';
import { DEFAULT_ACCESS_LIMITS, type AccessLimits } from './access-limits.js';
import { SatiotError } from '../errors/satiot-error.js';
import { bearerToken } from './auth.js';

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
  return req.method === 'POST' && /\/downlinks$/.test(req.routeOptions.url ?? '') && (req.body as { priority?: unknown } | undefined)?.priority === 'emergency';
}

/** Sources whose failures or lock-outs are remembered at most, per node (in memory). */
const MAX_TRACKED = 100_000;

/** Failed keys per source address, and the sources locked out. */
export interface Lockout {
  /** Seconds until `source` may try again, or 0. */
  retryAfter(source: string): Promise<number>;
  /** Records a failed key; true when this failure locks the source out. */
  fail(source: string): Promise<boolean>;
}

/** In memory, per node (one node, SQLite): a sliding window of failures per source. */
export class AuthLockout implements Lockout {
  private readonly failures = new Map<string, number[]>();
  private readonly locked = new Map<string, number>();

  constructor(private readonly policy: { failures: number; windowMs: number; lockMs: number }, private readonly clock: Clock = systemClock) {}

  async retryAfter(source: string): Promise<number> {
    const until = this.locked.get(source);
    if (until === undefined) return 0;
    const left = until - this.clock.now();
    if (left <= 0) { this.locked.delete(source); return 0; }
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
    for (const k of this.failures.keys()) { if (this.failures.size <= MAX_TRACKED) break; this.failures.delete(k); }
    return false;
  }
}

/** In the shared store: failures counted in fixed windows, lock-outs every node honours. */
export class SharedLockout implements Lockout {
  constructor(private readonly store: SharedLimits, private readonly policy: { failures: number; windowMs: number; lockMs: number }, private readonly clock: Clock = systemClock) {}

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
    for (const k of this.windows.keys()) { if (this.windows.size <= this.capacity) break; this.windows.delete(k); }
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
    incr(key: string, cb: (err: Error | null, res?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const now = Date.now();
      counter.hit(key, timeWindow, now).then((r) => cb(null, { current: r.count, ttl: Math.max(0, r.resetAt - now) }), (e: unknown) => cb(e as Error));
    }

    child(): this {
      return this;
    }
  };
}

/** A station's gateway budget, for callers outside HTTP (the MQTT gateway): true when this batch may go. */
export type StationLimiter = (token: string) => Promise<{ readonly allowed: boolean; readonly retryAfterSeconds: number }>;

export interface AccessLimitsOptions {
  readonly limits?: Partial<AccessLimits>;
  readonly core?: Core;
  /** Counters and lock-outs every node shares (the cluster's store); this node's memory without it. */
  readonly shared?: SharedLimits;
  /** The clock lock-outs run on: wall-clock time by default, never the core's (it may be simulated, ×60 in `satiot demo`). */
  readonly clock?: Clock;
}

/** Installs the limits on the app (before the routes: the rate limiter attaches to routes as they are added). */
export const accessLimits = fp<AccessLimitsOptions>(async (app, opts) => {
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
    const lockout: Lockout = opts.shared ? new SharedLockout(opts.shared, limits.lockout, opts.clock) : new AuthLockout(limits.lockout, opts.clock);
    const policy = limits.lockout;
    const exempt = new Set(limits.lockoutExempt);
    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      if (exempt.has(req.ip) || PROBES.test(req.url)) return;
      // A shared lock-out table that cannot be reached does not stop the node: the request goes on
      // (and meets the store's own error if it needs the store).
      let wait: number;
      try {
        wait = await lockout.retryAfter(req.ip);
      } catch (e) {
        req.log.warn({ err: e }, 'lock-out check skipped: the shared store did not answer');
        return;
      }
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new SatiotError('KEY_LOCKED_OUT', `too many failed keys from this address: locked out for ${wait} s more`, { retryAfterSeconds: wait });
      }
    });
    app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
      if (reply.statusCode !== 401 || exempt.has(req.ip)) return;
      const lockedNow = await lockout.fail(req.ip).catch((e: unknown) => { req.log.warn({ err: e }, 'failed key not counted: the shared store did not answer'); return false; });
      if (lockedNow && core) {
        await core.audit.append({
          actor: { kind: 'system', id: 'auth-lockout' }, action: 'auth.lockout', target: { kind: 'source', id: req.ip }, outcome: 'denied',
          details: { failures: policy.failures, windowMs: policy.windowMs, lockedForMs: policy.lockMs, lastRoute: req.routeOptions.url ?? null }, sourceIp: req.ip,
        }).catch((e: unknown) => req.log.error({ err: e }, 'audit append failed'));
      }
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
      keyGenerator: limitKey,
      max: (_req: FastifyRequest, key: string) => (key.startsWith('station:') ? station : api),
      allowList: (req: FastifyRequest) => !req.url.startsWith('/api/') || EXEMPT.test(req.url) || isEmergencyDownlink(req),
      errorResponseBuilder: (_req: FastifyRequest, ctx: { after: string; ttl: number; max: number }) =>
        new SatiotError('RATE_LIMITED', `rate limit of ${ctx.max} requests per minute reached; retry in ${ctx.after}`, { retryAfterSeconds: Math.ceil(ctx.ttl / 1000), limitPerMinute: ctx.max }),
    });
  }
}, { name: 'satiot-access-limits' });
