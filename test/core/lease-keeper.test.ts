import { afterEach, describe, expect, it } from 'vitest';
import { LeaseKeeper } from '../../src/core/lease-keeper.js';
import type { Lease, LeaseStore } from '../../src/core/ports/lease-store.js';

/** Leases in memory, on Date.now(); `hang` makes every request wait forever. */
class MemoryLeases implements LeaseStore {
  readonly rows = new Map<string, Lease>();
  hang = false;
  releases: string[] = [];

  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    if (this.hang) return new Promise(() => undefined);
    const now = Date.now(),
      cur = this.rows.get(name);
    if (cur && cur.holder !== holder && cur.expiresAt > now) return undefined;
    const lease = {
      name,
      holder,
      epoch: cur && cur.holder === holder ? cur.epoch : (cur?.epoch ?? 0) + 1,
      acquiredAt: cur?.holder === holder ? cur.acquiredAt : now,
      expiresAt: now + ttlMs,
    };
    this.rows.set(name, lease);
    return lease;
  }

  async release(name: string, holder: string): Promise<void> {
    this.releases.push(`${name}:${holder}`);
    if (this.rows.get(name)?.holder === holder) this.rows.delete(name);
  }

  async list(): Promise<Lease[]> {
    return [...this.rows.values()];
  }
  async now(): Promise<number> {
    return Date.now();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LeaseKeeper', () => {
  const keepers: LeaseKeeper[] = [];
  afterEach(async () => {
    await Promise.all(keepers.splice(0).map((k) => k.stop()));
  });

  it('gives the lease up when its work fails to start, undoes the partial start, and tries again on a later round', async () => {
    const leases = new MemoryLeases();
    const errors: string[] = [];
    let starts = 0,
      stops = 0;
    const k = new LeaseKeeper(leases, 'a', { ttlMs: 400, renewMs: 50, onError: (_e, what) => errors.push(what) });
    keepers.push(k);
    k.hold('sweep', {
      start: () => {
        starts++;
        if (starts === 1) throw new Error('bus reconnecting');
      },
      stop: async () => {
        stops++;
      },
    });
    await k.start();
    expect([starts, stops, k.holds('sweep')]).toEqual([1, 1, false]);
    expect(errors).toEqual(['starting sweep']);
    expect(leases.releases).toEqual(['sweep:a']);
    await k.tick();
    expect([starts, k.holds('sweep')]).toEqual([2, true]);
  });

  it('stops its work when the store hangs, once the lease it holds would have run out', async () => {
    const leases = new MemoryLeases();
    const errors: string[] = [];
    let running = false;
    const k = new LeaseKeeper(leases, 'a', { ttlMs: 400, renewMs: 50, onError: (_e, what) => errors.push(what) });
    keepers.push(k);
    k.hold('relay', {
      start: () => {
        running = true;
      },
      stop: async () => {
        running = false;
      },
    });
    await k.start();
    expect(running).toBe(true);
    leases.hang = true;
    const t0 = Date.now();
    while (running && Date.now() - t0 < 3_000) await sleep(20);
    expect(running).toBe(false); // before: the round waited on the store for ever, the work ran on
    expect(errors.every((w) => w === 'lease relay')).toBe(true);
    expect(k.holds('relay')).toBe(false);
  });
});
