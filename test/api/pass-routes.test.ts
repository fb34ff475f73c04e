import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { auth, useApi } from './api-fixture.js';

const TLE = readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8');
/** Skyfield 1.45's passes of the same sets (scripts/reference/skyfield_passes.py). */
const REFERENCE = JSON.parse(
  readFileSync(new URL('../fixtures/reference/skyfield-passes.json', import.meta.url), 'utf8'),
) as {
  cases: Array<{
    site: { name: string; latDeg: number; lonDeg: number; altM: number };
    minElevationDeg: number;
    start: string;
    hours: number;
    passes: Array<{ noradId: number; aos: string; los: string }>;
  }>;
};
const refCase = (site: string, minEl: number) =>
  REFERENCE.cases.find((c) => c.site.name === site && c.minElevationDeg === minEl)!;

describe('API: passes over terminals and ground stations', () => {
  const api = useApi();
  beforeEach(async () => {
    expect(
      (await api.app.inject({ method: 'POST', url: '/api/v1/satellites', headers: auth, payload: { tle: TLE } }))
        .statusCode,
    ).toBe(200);
  });

  const expectSameAs = (
    got: Array<{ satellite: { noradId: number }; aos: string; los: string }>,
    ref: ReturnType<typeof refCase>,
  ) => {
    expect(got).toHaveLength(ref.passes.length);
    const key = (p: { aos: string }) => Date.parse(p.aos);
    const a = [...got].sort((x, y) => key(x) - key(y)),
      b = [...ref.passes].sort((x, y) => key(x) - key(y));
    a.forEach((p, i) => {
      expect(p.satellite.noradId).toBe(b[i]!.noradId);
      expect(Math.abs(Date.parse(p.aos) - Date.parse(b[i]!.aos))).toBeLessThan(1000);
      expect(Math.abs(Date.parse(p.los) - Date.parse(b[i]!.los))).toBeLessThan(1000);
    });
  };

  it("lists the passes over a terminal's registered position as Skyfield computes them", async () => {
    const ref = refCase('beijing', 10);
    const t = await api.app.inject({
      method: 'POST',
      url: '/api/v1/terminals',
      headers: auth,
      payload: {
        tenantId: api.f.tenantId,
        devEui: '70b3d50000000a01',
        devAddr: '260b0a01',
        nwkSKey: '00'.repeat(16),
        appSKey: '11'.repeat(16),
        location: { lat: ref.site.latDeg, lon: ref.site.lonDeg, altM: ref.site.altM },
      },
    });
    expect(t.statusCode).toBe(201);
    const res = await api.app.inject({
      method: 'GET',
      url: `/api/v1/terminals/70b3d50000000a01/passes?start=${ref.start}&hours=${ref.hours}&minElevation=10`,
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().position).toEqual({ lat: ref.site.latDeg, lon: ref.site.lonDeg, source: 'registered' });
    expectSameAs(res.json().passes, ref);
  });

  it('lists the passes over a ground station, and refuses a terminal with no position', async () => {
    const ref = refCase('sanya', 25);
    const gs = await api.app.inject({
      method: 'POST',
      url: '/api/v1/ground-stations',
      headers: auth,
      payload: { name: 'Sanya', lat: ref.site.latDeg, lon: ref.site.lonDeg, altM: ref.site.altM },
    });
    const res = await api.app.inject({
      method: 'GET',
      url: `/api/v1/ground-stations/${gs.json().id}/passes?start=${ref.start}&hours=${ref.hours}&minElevation=25`,
      headers: auth,
    });
    expectSameAs(res.json().passes, ref);
    const t = await api.f.addTerminal();
    const none = await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/passes`, headers: auth });
    expect([none.statusCode, none.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
  });
});
