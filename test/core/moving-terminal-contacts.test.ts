import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeLocationReport } from '../../src/codecs/jt808/index.js';
import { collect, coreFixture, uplink, T0, type CoreFixture } from '../support/core-fixture.js';

const TLE = readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8');

describe('downlinks to terminals that move', () => {
  let f: CoreFixture;
  beforeEach(async () => {
    f = await coreFixture();
    await f.core.loadSatellites({ tle: TLE });
  });
  afterEach(async () => {
    await f.close();
  });

  it('routes a vehicle by its last reported position, and one that never reported gets no ETA', async () => {
    const truck = await f.addTerminal({ codec: 'jt808' });
    const silent = await f.addTerminal({ codec: 'jt808' });
    const report = encodeLocationReport({
      phone: '13900000001',
      serial: 1,
      lat: 39.9,
      lon: 116.4,
      speedKmh: 60,
      time: new Date(T0 - 600_000).toISOString(),
    });
    await collect(f.bus, 'satiot.decoded.>', 1, () =>
      f.core.pipeline.ingest(f.station, [uplink(truck, 1, report, { capturedAt: T0 - 600_000 })]),
    );
    const d = await f.core.downlinks.enqueue(truck.devEui, {
      fPort: 2,
      payload: new Uint8Array([1]),
      confirmed: false,
      priority: 'normal',
    });
    expect(d.eta).not.toBeNull();
    expect(d.eta!).toBeGreaterThan(T0);
    // The delivery pass is a pass over where the truck reported itself.
    const passes = f.core.contacts.passesOver({ lat: 39.9, lon: 116.4 }, T0, T0 + 48 * 3_600_000);
    expect(passes.some((p) => d.eta! >= p.aos - 1000 && d.eta! <= p.los + 1000)).toBe(true);
    const none = await f.core.downlinks.enqueue(silent.devEui, {
      fPort: 2,
      payload: new Uint8Array([1]),
      confirmed: false,
      priority: 'normal',
    });
    expect([none.state, none.eta]).toEqual(['queued', null]);
  });
});
