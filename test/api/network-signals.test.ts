/**
 * The network's own signals about a terminal over the API (docs/intelligence.md, "Network signals"):
 * frames heard by a real orbit (the reference sun-synchronous satellite of test/fixtures/tle) over a
 * terminal in Hubei, their RSSI following free-space loss over each pass's slant range, one of them
 * 12 dB short (an obstructed antenna), and four frames lost in a row.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collect, uplink, T0 } from '../support/core-fixture.js';
import { auth, useApi } from './api-fixture.js';
import { parseElementSets } from '../../src/orbit/parse-element-sets.js';
import { Satellite, newEcefState } from '../../src/orbit/satellite.js';
import { findPasses } from '../../src/orbit/pass-finder.js';
import { lookAngles } from '../../src/orbit/look-angles.js';
import { makeSite } from '../../src/orbit/site.js';
import { Random } from '../../src/twin/model/random.js';

const TLE = readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8')
  .split('\n')
  .slice(0, 3);
const SITE = { lat: 30.5, lon: 114.3, altM: 0 };

describe('API: network signals of a terminal', () => {
  const api = useApi();

  it("takes each pass's geometry out of the RSSI so the weak frame stands out, and finds the frames lost", async () => {
    const [name, l1, l2] = TLE as [string, string, string];
    const set = parseElementSets(TLE.join('\n')).sets[0]!;
    await api.f.store.satellites.upsert([
      { noradId: set.noradId, name, format: 'tle', elementSet: `${l1}\n${l2}`, epoch: set.epoch, updatedAt: T0 },
    ]);
    const sat = new Satellite(set);
    const site = makeSite({ latDeg: SITE.lat, lonDeg: SITE.lon });
    const passes = findPasses(sat, { site, start: T0 - 3 * 86_400_000, end: T0 - 3_600_000, minElevationDeg: 5 });
    expect(passes.length).toBeGreaterThanOrEqual(4);
    // Six frames across each pass, low on the horizon to overhead and back.
    const times = passes.flatMap((p) => [1, 2, 3, 4, 5, 6].map((k) => Math.round(p.aos + ((p.los - p.aos) * k) / 7)));
    const t = await api.f.addTerminal({ location: SITE });
    const r = new Random(5),
      state = newEcefState();
    const WEAK = 13,
      LOST_AFTER = 20;
    let fCnt = 0;
    const frames = times.map((at, i) => {
      const range = lookAngles(site, sat.ecefState(at, state)).rangeKm;
      const rssi = -50 - 20 * Math.log10(range) + 0.5 * r.normal() - (i === WEAK ? 12 : 0);
      fCnt += i === LOST_AFTER + 1 ? 5 : 1;
      return uplink(t, fCnt, new Uint8Array([i]), {
        satelliteId: name,
        capturedAt: at,
        downlinkedAt: at + 600_000,
        rssi: Math.round(rssi * 10) / 10,
      });
    });
    await collect(api.f.bus, 'satiot.up.>', frames.length, () => api.f.core.pipeline.ingest(api.f.station, frames));
    const get = async (field: string, what = 'anomalies') => {
      const res = await api.app.inject({
        method: 'GET',
        url: `/api/v1/terminals/${t.devEui}/${what}?field=${field}`,
        headers: auth,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };

    // The satellite's place, seen from the terminal's registered position.
    const elev = await get('meta.elevationDeg');
    expect(elev.observations).toBe(times.length);
    const raw = (await get('meta.rssi')).observations;
    expect(raw).toBe(times.length);
    // The residual: the weak frame, and nothing else.
    const residual = await get('meta.rssiResidualDb');
    expect(residual.anomalies.map((a: { timestamp: string }) => a.timestamp)).toEqual([
      new Date(times[WEAK]!).toISOString(),
    ]);
    expect(residual.anomalies[0].value).toBeLessThan(-9);
    // The baseline it learned is the free-space link the frames were made with.
    expect(residual.model.baseline.slope).toBeGreaterThan(-1.2);
    expect(residual.model.baseline.slope).toBeLessThan(-0.8);
    expect(residual.model.baseline.observations).toBe(times.length);
    // The frames lost: four, after frame LOST_AFTER.
    const gaps = await get('meta.fCntGap');
    expect(gaps.anomalies.map((a: { timestamp: string; value: number }) => [a.timestamp, a.value])).toEqual([
      [new Date(times[LOST_AFTER + 1]!).toISOString(), 4],
    ]);
  });
});
