/**
 * Tenants' codecs in worker threads: a runaway script costs its own tenant its time limit per
 * message, never the event loop, and never the other tenants' turn.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UserCodecPool } from '../../src/core/user-codec-pool.js';

const LOOP = 'function decodeUplink() { for (;;) {} }';
const QUICK = 'function decodeUplink(bytes) { return { first: bytes[0] }; }';

describe('user codec pool', () => {
  const pools: UserCodecPool[] = [];
  afterEach(async () => {
    for (const p of pools.splice(0)) await p.close();
  });

  it("decodes in a thread, and reports a script's own error with its code", async () => {
    const pool = new UserCodecPool();
    pools.push(pool);
    expect(
      await pool.decode('t', { codecId: 'c1', name: 'quick', script: QUICK, bytes: Uint8Array.of(7, 8), fPort: 2 }),
    ).toEqual({ first: 7 });
    await expect(
      pool.decode('t', {
        codecId: 'c2',
        name: 'bad',
        script: 'function decodeUplink() { throw new Error("nope"); }',
        bytes: Uint8Array.of(1),
        fPort: 1,
      }),
    ).rejects.toMatchObject({ name: 'CodecError', code: 'CODEC_FAILED' });
  });

  it('lets a tenant whose codec runs away wait behind itself while another tenant and the event loop go on', async () => {
    const pool = new UserCodecPool({ threads: 2, limits: { timeMs: 100 } });
    pools.push(pool);
    // The event loop keeps turning while the flood runs (in this thread, each call would hold it 100 ms).
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks++;
    }, 10);
    const f0 = performance.now();
    const done: string[] = [];
    const flood = Array.from({ length: 6 }, (_, i) =>
      pool.decode('greedy', { codecId: 'loop', name: 'loop', script: LOOP, bytes: Uint8Array.of(i), fPort: 1 }).then(
        () => done.push('greedy-ok'),
        (e: { code: string }) => done.push(`greedy-${e.code}`),
      ),
    );
    await new Promise((r) => setTimeout(r, 20));
    const other = await pool.decode('polite', {
      codecId: 'quick',
      name: 'quick',
      script: QUICK,
      bytes: Uint8Array.of(42),
      fPort: 1,
    });
    done.push('polite');
    await Promise.all(flood);
    const floodMs = performance.now() - f0;
    clearInterval(ticker);
    expect(other).toEqual({ first: 42 });
    // The other tenant was served by the thread the greedy one may not take (one call at a time), not after
    // all six time-outs (a loaded machine may take a budget or two to start that second thread).
    expect(done.indexOf('polite')).toBeLessThan(6);
    expect(done.filter((d) => d === 'greedy-CODEC_TIMEOUT')).toHaveLength(6);
    expect(floodMs).toBeGreaterThan(500); // six 100 ms budgets, one after the other
    expect(ticks).toBeGreaterThan(floodMs / 10 / 4);
  });
});
