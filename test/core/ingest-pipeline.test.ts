import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { coreFixture, uplink, T0, type CoreFixture, type TestTerminal } from '../support/core-fixture.js';
import type { BusMessage } from '../../src/core/ports/bus.js';
import { uplinkSubject } from '../../src/core/events/subjects.js';
import { settled } from '../support/settled.js';

const P = (s: string) => new Uint8Array(Buffer.from(s));
const HOUR = 3_600_000;

describe('ingest pipeline', () => {
  let f: CoreFixture;
  let t: TestTerminal;
  beforeEach(async () => {
    f = await coreFixture();
    t = await f.addTerminal();
  });
  afterEach(async () => {
    await f.close();
  });

  const ingest = (frames: Parameters<CoreFixture['core']['pipeline']['ingest']>[1], station = f.station) =>
    f.core.pipeline.ingest(station, frames);
  const messages = async () => (await f.store.messages.list({ terminalId: t.id, limit: 100 })).items;

  it('accepts a valid uplink, stores its decrypted payload with every hop timestamp and answers with the message id', async () => {
    const [r] = await ingest([uplink(t, 1, P('hello'), { capturedAt: T0 - 2 * HOUR, downlinkedAt: T0 - HOUR })]);
    expect(r).toEqual({ status: 'accepted', messageId: `${t.id}.1` });
    const [m] = await messages();
    expect(Buffer.from(m!.payload).toString()).toBe('hello');
    expect(m).toMatchObject({
      fCnt: 1,
      fPort: 7,
      capturedAt: T0 - 2 * HOUR,
      downlinkedAt: T0 - HOUR,
      ingestedAt: T0,
      confirmed: false,
    });
    expect(m!.receptions).toHaveLength(1);
    expect(m!.receptions[0]).toMatchObject({
      stationId: f.station.id,
      satelliteId: 'SAT-1',
      rssi: -120.5,
      snr: -4.2,
      frequencyOffsetHz: 1234,
      receivedAt: T0,
    });
  });

  it('merges copies from other satellites and stations into one message with all receptions and the earliest capture', async () => {
    const a = await ingest([uplink(t, 5, P('x'), { satelliteId: 'SAT-1', capturedAt: T0 - HOUR })]);
    f.clock.advance(2 * HOUR);
    const b = await ingest(
      [
        uplink(t, 5, P('x'), {
          satelliteId: 'SAT-2',
          capturedAt: T0 - 3 * HOUR,
          downlinkedAt: T0 - 2 * HOUR,
          rssi: -100,
        }),
      ],
      f.station2,
    );
    expect(a[0]!.status).toBe('accepted');
    expect(b[0]).toEqual({ status: 'duplicate', messageId: a[0]!.messageId });
    const ms = await messages();
    expect(ms).toHaveLength(1);
    expect(ms[0]!.capturedAt).toBe(T0 - 3 * HOUR);
    expect(ms[0]!.downlinkedAt).toBe(T0 - 2 * HOUR);
    expect(ms[0]!.ingestedAt).toBe(T0);
    expect(ms[0]!.receptions.map((r) => r.satelliteId).sort()).toEqual(['SAT-1', 'SAT-2']);
  });

  it('never lets radio metadata into the dedup key: the same frame with other RSSI is a duplicate', async () => {
    const frame = uplink(t, 9, P('x'));
    await ingest([frame]);
    const [r] = await ingest([{ ...frame, rssi: -60, snr: 10, frequencyOffsetHz: -5000, satelliteId: 'SAT-9' }]);
    expect(r!.status).toBe('duplicate');
  });

  it('accepts counter 11 before counter 10 (store-and-forward arrives out of order)', async () => {
    const r = await ingest([uplink(t, 11, P('b'))]);
    f.clock.advance(5 * HOUR);
    const s = await ingest([uplink(t, 10, P('a'))]);
    expect([r[0]!.status, s[0]!.status]).toEqual(['accepted', 'accepted']);
    expect((await messages()).map((m) => m.fCnt).sort()).toEqual([10, 11]);
  });

  it('merges a seen counter while the copy is inside the 48 h dedup window and rejects it as REPLAYED_COUNTER after', async () => {
    const frame = uplink(t, 3, P('x'));
    await ingest([frame]);
    f.clock.advance(47 * HOUR);
    expect((await ingest([frame]))[0]!.status).toBe('duplicate');
    f.clock.advance(2 * HOUR);
    expect(
      (
        await ingest([
          {
            ...frame,
            capturedAt: new Date(f.clock.now() - HOUR).toISOString(),
            downlinkedAt: new Date(f.clock.now() - HOUR / 2).toISOString(),
          },
        ])
      )[0],
    ).toEqual({ status: 'rejected', code: 'REPLAYED_COUNTER' });
  });

  it('rejects a counter below the anti-replay window as REPLAYED_COUNTER', async () => {
    await ingest([uplink(t, 5000, P('x'))]);
    expect((await ingest([uplink(t, 5000 - 1024, P('old'))]))[0]).toEqual({
      status: 'rejected',
      code: 'REPLAYED_COUNTER',
    });
    expect((await ingest([uplink(t, 5000 - 1023, P('ok'))]))[0]!.status).toBe('accepted');
  });

  it('rebuilds 16-bit on-air counters across the 65 536 rollover', async () => {
    await ingest([uplink(t, 65_535, P('a'))]);
    const [r] = await ingest([uplink(t, 65_536, P('b'))]);
    expect(r).toEqual({ status: 'accepted', messageId: `${t.id}.65536` });
  });

  it('rejects bad input with a stable code per frame and still accepts the good frames of the batch', async () => {
    const good = uplink(t, 1, P('ok'));
    const other = await f.addTerminal();
    const badMic = Buffer.from(good.phyPayload, 'base64');
    badMic[badMic.length - 1]! ^= 1;
    const down = uplink(t, 2, P('d'), { mtype: 'unconfirmed-data-down' });
    const unknown = uplink({ ...other, devAddr: 'ffffffff' }, 1, P('u'));
    const results = await ingest([
      { ...good, phyPayload: 'not base64!!' },
      { ...good, phyPayload: Buffer.alloc(300, 1).toString('base64') },
      { ...good, phyPayload: Buffer.from([0x40, 1, 2]).toString('base64') },
      { ...good, phyPayload: badMic.toString('base64') },
      unknown,
      down,
      { ...good, capturedAt: 'yesterday' },
      {
        ...good,
        capturedAt: new Date(T0 + 2 * HOUR).toISOString(),
        downlinkedAt: new Date(T0 + 2 * HOUR).toISOString(),
      },
      good,
    ]);
    expect(results.map((r) => r.code ?? r.status)).toEqual([
      'MALFORMED_FRAME',
      'FRAME_TOO_LARGE',
      'MALFORMED_FRAME',
      'BAD_MIC',
      'UNKNOWN_TERMINAL',
      'UNSUPPORTED_FRAME',
      'INVALID_RECEPTION',
      'INVALID_RECEPTION',
      'accepted',
    ]);
    const tallies = await f.store.traffic.rejectionTallies();
    expect(tallies.find((x) => x.code === 'MALFORMED_FRAME')).toMatchObject({ stationId: f.station.id, count: 2 });
    expect(tallies.find((x) => x.code === 'BAD_MIC')).toMatchObject({ count: 1 });
    const metrics = await f.core.metrics.getSingleMetricAsString('satiot_ingest_frames_total');
    expect(metrics).toMatch(/status="rejected",code="BAD_MIC",station="[^"]+"} 1/);
    expect(metrics).toMatch(/status="accepted",code="",station="[^"]+"} 1/);
  });

  it('takes a copy without a satellite only from a terrestrial gateway, and one with a satellite only from a ground station', async () => {
    const gw = await f.core.gateways.create({ gatewayEui: 'AA555A0000000101', lat: 30, lon: 114 });
    const sat = uplink(t, 1, P('a'));
    const ground = { ...uplink(t, 2, P('b')), satelliteId: '', frequencyMHz: 470.7, dataRate: 'SF10BW125' };
    expect((await ingest([{ ...sat, satelliteId: '' }])).map((r) => r.code)).toEqual(['INVALID_RECEPTION']);
    expect(
      (await f.core.pipeline.ingest(gw, [sat, ground, { ...ground, dataRate: 'x'.repeat(33) }, ground])).map(
        (r) => r.code ?? r.status,
      ),
    ).toEqual(['INVALID_RECEPTION', 'accepted', 'INVALID_RECEPTION', 'duplicate']);
    expect((await f.store.messages.get(`${t.id}.2`))!.receptions).toMatchObject([
      { stationId: gw.id, satelliteId: '', gatewayEui: 'aa555a0000000101', frequencyMHz: 470.7, dataRate: 'SF10BW125' },
    ]);
  });

  it('rejects frames of a disabled terminal as TERMINAL_DISABLED and accepts them again once enabled', async () => {
    await f.core.provisioning.setTerminalEnabled(t.devEui, false);
    expect((await ingest([uplink(t, 1, P('x'))]))[0]).toEqual({ status: 'rejected', code: 'TERMINAL_DISABLED' });
    await f.core.provisioning.setTerminalEnabled(t.devEui, true);
    expect((await ingest([uplink(t, 1, P('x'))]))[0]!.status).toBe('accepted');
  });

  it('tells two terminals that share a DevAddr apart by their MIC', async () => {
    const twin = await f.addTerminal({ devAddr: t.devAddr });
    const [a, b] = await ingest([uplink(t, 1, P('a')), uplink(twin, 1, P('b'))]);
    expect(a!.messageId).toBe(`${t.id}.1`);
    expect(b!.messageId).toBe(`${twin.id}.1`);
  });

  it('handles the sm4 suite end to end', async () => {
    const s = await f.addTerminal({ suite: 'sm4' });
    const [r] = await ingest([uplink(s, 42, P('guomi'))]);
    expect(r!.status).toBe('accepted');
    const m = await f.store.messages.get(r!.messageId!);
    expect(Buffer.from(m!.payload).toString()).toBe('guomi');
  });

  it('merges two copies inside one batch into one message with the earlier capture time', async () => {
    const [a, b] = await ingest([
      uplink(t, 4, P('x'), { satelliteId: 'SAT-1', capturedAt: T0 - HOUR }),
      uplink(t, 4, P('x'), { satelliteId: 'SAT-2', capturedAt: T0 - 2 * HOUR }),
    ]);
    expect([a!.status, b!.status]).toEqual(['accepted', 'duplicate']);
    const ms = await messages();
    expect(ms).toHaveLength(1);
    expect(ms[0]!.capturedAt).toBe(T0 - 2 * HOUR);
    expect(ms[0]!.receptions).toHaveLength(2);
  });

  it("commits batches that arrive while another group commits as one group, yet answers and tallies each station's batch as its own", async () => {
    const held = holdFirstCommit();
    const warmUp = ingest([uplink(t, 19, P('w'))]);
    await ticks(5);
    const bad = { ...uplink(t, 99, P('x')), phyPayload: 'not base64!' };
    const all = Promise.all([
      ingest([uplink(t, 20, P('a')), bad]),
      ingest(
        [uplink(t, 20, P('a'), { satelliteId: 'SAT-2', capturedAt: T0 - 3 * HOUR }), uplink(t, 21, P('b')), bad, bad],
        f.station2,
      ),
      ingest([uplink(t, 22, P('c'))]),
    ]);
    await ticks(5);
    held.release();
    await warmUp;
    const [a, b, c] = await all;
    expect(held.written.map((w) => w.fCnts.length)).toEqual([1, 3]); // one transaction for the three batches
    expect(a!.map((r) => r.code ?? r.status)).toEqual(['accepted', 'MALFORMED_FRAME']);
    expect(b!.map((r) => r.code ?? r.status)).toEqual(['duplicate', 'accepted', 'MALFORMED_FRAME', 'MALFORMED_FRAME']);
    expect(c!.map((r) => r.status)).toEqual(['accepted']);
    const tallies = await f.store.traffic.rejectionTallies();
    expect(
      tallies
        .filter((x) => x.code === 'MALFORMED_FRAME')
        .map((x) => [x.stationId, x.count])
        .sort(),
    ).toEqual(
      [
        [f.station.id, 1],
        [f.station2.id, 2],
      ].sort(),
    );
    const ms = await messages();
    expect(ms.map((m) => m.fCnt).sort()).toEqual([19, 20, 21, 22]);
    expect(ms.find((m) => m.fCnt === 20)!.capturedAt).toBe(T0 - 3 * HOUR);
  });
  /** Holds the first commitIngest until released; it then fails with `failWith` or goes through. */
  const holdFirstCommit = (failWith?: Error) => {
    const commit = f.store.commitIngest.bind(f.store);
    const written: Array<{ fCnts: number[]; expected: number[] }> = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let calls = 0;
    f.store.commitIngest = async (w) => {
      const first = calls++ === 0;
      if (first) await gate;
      if (first && failWith) throw failWith;
      await commit(w);
      written.push({ fCnts: w.newMessages.map((m) => m.fCnt), expected: w.counters.map((c) => c.expectedVersion) });
    };
    return { written, release, calls: () => calls };
  };
  /** Counts frames the pipeline has decided (each looks its DevAddr up once). */
  const countDecided = () => {
    const reg = f.core.registry;
    const byDevAddr = reg.byDevAddr.bind(reg);
    let n = 0;
    reg.byDevAddr = (a) => {
      n++;
      return byDevAddr(a);
    };
    return () => n;
  };
  const ticks = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };

  it("decides the next group while the one before it commits, on top of that group's outcome", async () => {
    const held = holdFirstCommit();
    const decided = countDecided();
    const first = ingest([uplink(t, 1, P('a'))]);
    await ticks(5);
    expect(held.calls()).toBe(1);
    const second = ingest([uplink(t, 1, P('a'), { satelliteId: 'SAT-2' }), uplink(t, 2, P('b'))]);
    await ticks(5);
    expect(decided()).toBe(3); // the second batch is decided although the first is not durable yet
    expect(held.calls()).toBe(1); // but not written before it
    held.release();
    expect((await first).map((r) => r.status)).toEqual(['accepted']);
    expect((await second).map((r) => r.status)).toEqual(['duplicate', 'accepted']);
    // The second write expects the counter version the first one wrote.
    expect(held.written).toEqual([
      { fCnts: [1], expected: [-1] },
      { fCnts: [2], expected: [0] },
    ]);
    expect((await messages()).map((m) => [m.fCnt, m.receptions.length])).toEqual(
      expect.arrayContaining([
        [1, 2],
        [2, 1],
      ]),
    );
  });

  it('starts the overlap at once: of batches waiting while nothing commits, the first half is written while the rest is decided', async () => {
    const held = holdFirstCommit();
    const decided = countDecided();
    const all = Promise.all([20, 21, 22, 23].map((n) => ingest([uplink(t, n, P('x'))])));
    await ticks(5);
    expect(held.calls()).toBe(1);
    expect(decided()).toBe(4);
    held.release();
    await all;
    expect(held.written.map((w) => w.fCnts)).toEqual([
      [20, 21],
      [22, 23],
    ]);
  });

  it('undoes a group decided on top of a commit that failed and decides it again: nothing lost, nothing twice', async () => {
    const held = holdFirstCommit(new Error('disk I/O error'));
    const first = ingest([uplink(t, 1, P('a'))]);
    await ticks(5);
    const second = ingest([uplink(t, 1, P('a'), { satelliteId: 'SAT-2' }), uplink(t, 2, P('b'))]);
    await ticks(5);
    held.release();
    await expect(first).rejects.toThrow('disk I/O error');
    // Counter 1 was never written: its copy is now the message, not a duplicate of a lost one.
    expect((await second).map((r) => r.status)).toEqual(['accepted', 'accepted']);
    // Undone before it was decided again: written at the first try, not after a counter conflict.
    expect(held.calls()).toBe(2);
    expect(held.written).toEqual([{ fCnts: [1, 2], expected: [-1] }]);
    expect((await messages()).map((m) => m.fCnt).sort()).toEqual([1, 2]);
    // The window is the store's: counter 1 again is a duplicate, 3 is new.
    expect((await ingest([uplink(t, 1, P('a')), uplink(t, 3, P('c'))])).map((r) => r.status)).toEqual([
      'duplicate',
      'accepted',
    ]);
  });

  it('publishes one uplink event per new message, keyed by the message id, through the outbox', async () => {
    const seen: BusMessage[] = [];
    await f.bus.subscribe('satiot.up.>', async (m) => {
      seen.push(m);
    });
    const frame = uplink(t, 8, P('evt'), { ack: true });
    await ingest([frame, { ...frame, satelliteId: 'SAT-3' }]);
    await ingest([frame]);
    await settled(f);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.subject).toBe(uplinkSubject({ tenantId: f.tenantId, devEui: t.devEui }));
    expect(seen[0]!.subject).toMatch(new RegExp(`^satiot\\.up\\.\\d+\\.${f.tenantId}\\.${t.devEui}$`));
    expect(seen[0]!.msgId).toBe(`${t.id}.8`);
    const evt = JSON.parse(Buffer.from(seen[0]!.data).toString()) as Record<string, unknown>;
    expect(evt).toMatchObject({ kind: 'uplink', fCnt: 8, payload: Buffer.from('evt').toString('base64'), ack: true });
  });

  it('keeps counter windows across a restart: a replay is still a duplicate, a new counter still accepted', async () => {
    const frame = uplink(t, 20, P('x'));
    await ingest([frame]);
    const { Core } = await import('../../src/core/core.js');
    const again = await Core.start({ store: f.store, bus: f.bus, vault: f.vault, clock: f.clock });
    expect((await again.pipeline.ingest(f.station, [frame]))[0]!.status).toBe('duplicate');
    expect((await again.pipeline.ingest(f.station, [uplink(t, 21, P('y'))]))[0]!.status).toBe('accepted');
  });

  it('stays consistent when two cores write the same terminal (the counter version detects it and the batch is decided again)', async () => {
    const { Core } = await import('../../src/core/core.js');
    const second = await Core.start({ store: f.store, bus: f.bus, vault: f.vault, clock: f.clock });
    await ingest([uplink(t, 1, P('a'))]);
    // The second core still holds the old window: it must notice, reload and decide 1 as a duplicate.
    const r = await second.pipeline.ingest(f.station, [uplink(t, 1, P('a')), uplink(t, 2, P('b'))]);
    expect(r.map((x) => x.status)).toEqual(['duplicate', 'accepted']);
    expect((await messages()).map((m) => m.fCnt).sort()).toEqual([1, 2]);
  });
});

describe('ingest pipeline on a store that commits in call order (SQLite file, writer thread)', () => {
  let f: CoreFixture;
  let t: TestTerminal;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'satiot-pipeline-'));
    f = await coreFixture({ store: await openStore('sqlite', { dataDir: dir }) });
    t = await f.addTerminal();
  });
  afterEach(async () => {
    await f.close();
    await f.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands groups over behind a commit in flight; when that one fails, the ones behind it are undone and decided again', async () => {
    expect(f.store.ingestInOrder).toBe(true);
    const { Core } = await import('../../src/core/core.js');
    const other = await Core.start({ store: f.store, bus: f.bus, vault: f.vault, clock: f.clock });
    // Another core moves the terminal's counters: this core's first group will conflict.
    await other.pipeline.ingest(f.station, [uplink(t, 1, P('a'))]);
    // Commits reach the store in call order once two were handed over (so the second is surely behind the first).
    const outcomes: string[] = [];
    const commit = f.store.commitIngest.bind(f.store);
    let calls = 0,
      release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    f.store.commitIngest = (w) => {
      if (++calls === 2) release();
      const p = gate.then(() => commit(w));
      const fCnts = w.newMessages.map((m) => m.fCnt).join(',');
      p.then(
        () => outcomes.push(`ok ${fCnts}`),
        (e: Error) => outcomes.push(`${e.name} ${fCnts}`),
      );
      return p;
    };
    const rs = await Promise.all([
      f.core.pipeline.ingest(f.station, [uplink(t, 1, P('a'), { satelliteId: 'SAT-2' }), uplink(t, 2, P('b'))]),
      f.core.pipeline.ingest(f.station, [uplink(t, 3, P('c'))]),
      f.core.pipeline.ingest(f.station2, [uplink(t, 4, P('d'))]),
    ]);
    // This core still believed counter 1 was new: the first group conflicted, the group behind it failed unwritten.
    expect(outcomes).toEqual(['CounterConflictError 1,2,3', 'PredecessorFailedError 4', 'ok 2,3', 'ok 4']);
    expect(rs.map((r) => r.map((x) => x.status))).toEqual([['duplicate', 'accepted'], ['accepted'], ['accepted']]);
    const ms = (await f.store.messages.list({ terminalId: t.id, limit: 10 })).items;
    expect(ms.map((m) => [m.fCnt, m.receptions.length]).sort()).toEqual([
      [1, 2],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    await other.close();
  });
});
