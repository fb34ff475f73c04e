import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as frame from '../../src/frame/index.js';
import { IngestPipeline, type UplinkFrameInput } from '../../src/core/ingest-pipeline.js';
import { coreFixture, uplink, type CoreFixture, type TestTerminal } from '../support/core-fixture.js';

// Counts MIC computations: a throttled frame must cost none.
vi.mock('../../src/frame/index.js', async (importOriginal) => {
  const m = await importOriginal<typeof frame>();
  return { ...m, verifyMic: vi.fn(m.verifyMic) };
});
const micChecks = vi.mocked(frame.verifyMic);

const P = (s: string) => new Uint8Array(Buffer.from(s));
const MINUTE = 60_000;

/** `u` with its MIC broken (a guess). */
function forged(u: UplinkFrameInput, k = 0): UplinkFrameInput {
  const b = Buffer.from(u.phyPayload, 'base64');
  b[b.length - 1]! ^= 1 + (k % 255);
  return { ...u, phyPayload: b.toString('base64') };
}

describe('MIC guessing throttle', () => {
  let f: CoreFixture;
  let t: TestTerminal;
  let pipeline: IngestPipeline;
  beforeEach(async () => {
    f = await coreFixture();
    t = await f.addTerminal();
    pipeline = new IngestPipeline(f.store, f.core.registry, f.clock, undefined, {
      micThrottle: { perDevAddr: 5, perStation: 20, windowMs: MINUTE, coolDownMs: 5 * MINUTE },
    });
    micChecks.mockClear();
  });
  afterEach(async () => {
    await f.close();
  });

  it("refuses a DevAddr's frames from that station unchecked as MIC_THROTTLED after 5 bad MICs within the window, hears it through another, and accepts it again after the cool-down", async () => {
    const guesses = Array.from({ length: 5 }, (_, k) => forged(uplink(t, 1, P('g')), k));
    expect((await pipeline.ingest(f.station, guesses)).map((r) => r.code)).toEqual(Array(5).fill('BAD_MIC'));
    micChecks.mockClear();
    const more = await pipeline.ingest(f.station, [forged(uplink(t, 1, P('g')), 9), uplink(t, 1, P('real'))]);
    expect(more.map((r) => r.code)).toEqual(['MIC_THROTTLED', 'MIC_THROTTLED']);
    expect(micChecks).not.toHaveBeenCalled();
    // Through another station the terminal is still heard: forged frames carrying its DevAddr (sent in
    // clear) through one station must not silence it everywhere.
    expect((await pipeline.ingest(f.station2, [uplink(t, 2, P('real'))]))[0]).toMatchObject({ status: 'accepted' });
    f.clock.advance(5 * MINUTE + 1);
    expect((await pipeline.ingest(f.station, [uplink(t, 3, P('real'))]))[0]).toMatchObject({ status: 'accepted' });
  });

  it('does not throttle bad MICs spread wider than the window', async () => {
    for (let k = 0; k < 8; k++) {
      expect((await pipeline.ingest(f.station, [forged(uplink(t, 1, P('g')), k)]))[0]!.code).toBe('BAD_MIC');
      f.clock.advance(MINUTE / 4);
    }
    expect((await pipeline.ingest(f.station, [uplink(t, 1, P('real'))]))[0]!.status).toBe('accepted');
  });

  it('does not throttle a busy station whose bad MICs are a small share of what it hands in', async () => {
    const others: TestTerminal[] = [];
    for (let k = 0; k < 8; k++) others.push(await f.addTerminal());
    const good = others.flatMap((o) => Array.from({ length: 10 }, (_, n) => uplink(o, n, P('ok'))));
    const bad = others.flatMap((o, k) => [0, 1, 2].map((g) => forged(uplink(o, 20, P('g')), 3 * k + g)));
    const rs = await pipeline.ingest(f.station, [...good, ...bad]);
    expect(rs.filter((r) => r.code === 'BAD_MIC')).toHaveLength(24);
    expect((await pipeline.ingest(f.station, [uplink(t, 1, P('real'))]))[0]!.status).toBe('accepted');
  });

  it('throttles a station that hands in 20 bad MICs over many DevAddrs, not the other stations', async () => {
    const others: TestTerminal[] = [];
    for (let k = 0; k < 5; k++) others.push(await f.addTerminal());
    // Four guesses per DevAddr: no address reaches its own limit.
    const guesses = others.flatMap((o, k) => [0, 1, 2, 3].map((g) => forged(uplink(o, 1, P('g')), 4 * k + g)));
    expect((await pipeline.ingest(f.station, guesses)).every((r) => r.code === 'BAD_MIC')).toBe(true);
    micChecks.mockClear();
    expect((await pipeline.ingest(f.station, [uplink(t, 1, P('real'))]))[0]!.code).toBe('MIC_THROTTLED');
    expect(micChecks).not.toHaveBeenCalled();
    expect((await pipeline.ingest(f.station2, [uplink(t, 1, P('real'))]))[0]!.status).toBe('accepted');
  });
});
