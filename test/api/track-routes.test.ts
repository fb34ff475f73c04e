import { describe, expect, it } from 'vitest';
import { encodeLocationReport } from '../../src/codecs/jt808/index.js';
import { collect, uplink, T0 } from '../support/core-fixture.js';
import { auth, useApi } from './api-fixture.js';

const MIN = 60_000;
const DEG_PER_KM = 180 / (Math.PI * 6371.0088);

describe('API: logistics tracks and ETA from JT/T 808 reports', () => {
  const api = useApi();

  it("rebuilds a truck's track from reports that arrive out of order, with its stop, distance and ETA", async () => {
    const truck = await api.f.addTerminal({ codec: 'jt808' });
    // 40 min north at 60 km/h, then 20 min parked, reported every 5 minutes; the GNSS fix times lead.
    const fixes: Array<{ at: number; lat: number; speed: number }> = [];
    for (let i = 0; i <= 8; i++)
      fixes.push({ at: T0 - 80 * MIN + i * 5 * MIN, lat: 30 + i * 5 * DEG_PER_KM, speed: 60 });
    for (let i = 1; i <= 4; i++) fixes.push({ at: T0 - 40 * MIN + i * 5 * MIN, lat: 30 + 40 * DEG_PER_KM, speed: 0 });
    const frames = fixes.map((x, i) =>
      uplink(
        truck,
        i + 1,
        encodeLocationReport({
          phone: '13912345678',
          serial: i,
          lat: x.lat,
          lon: 114,
          speedKmh: x.speed,
          time: new Date(x.at).toISOString(),
        }),
        { capturedAt: x.at + MIN },
      ),
    );
    frames.reverse(); // store-and-forward: the newest copy came down first
    await collect(api.f.bus, 'satiot.decoded.>', frames.length, () =>
      api.f.core.pipeline.ingest(api.f.station, frames),
    );

    const res = await api.app.inject({
      method: 'GET',
      url: `/api/v1/terminals/${truck.devEui}/track?stopMinutes=15`,
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    const track = res.json();
    expect(track.points).toHaveLength(fixes.length);
    expect(track.points.map((p: { at: string }) => p.at)).toEqual(fixes.map((x) => new Date(x.at).toISOString()));
    expect(track.distanceKm).toBeCloseTo(40, 0);
    expect(track.stops).toHaveLength(1);
    expect(track.stops[0].durationMin).toBe(20);
    expect(track.last).toMatchObject({ at: new Date(T0 - 20 * MIN).toISOString(), ageMin: 20 });

    const route = {
      type: 'LineString',
      coordinates: [
        [114, 30],
        [114, 30 + 100 * DEG_PER_KM],
      ],
    };
    const eta = await api.app.inject({
      method: 'POST',
      url: `/api/v1/terminals/${truck.devEui}/eta`,
      headers: auth,
      payload: { route, defaultSpeedKmh: 50 },
    });
    expect(eta.json()).toMatchObject({ remainingKm: expect.closeTo(60, 1), offRouteKm: expect.closeTo(0, 2) });
    // Parked for the last 20 of the 60 minutes window: the moving legs still give 60 km/h.
    expect(eta.json().speedKmh).toBeCloseTo(60, 0);
    // JT/T 808 carries 1e-6° (about 0.1 m): the ETA is good to well under a second.
    expect(Math.abs(Date.parse(eta.json().eta) - (T0 + 60 * MIN))).toBeLessThan(1000);
    // 40 km of track cannot say how long 60 km take.
    expect(eta.json().learned).toBeNull();
  });

  it("learns a truck's stops: after hours of 30 minutes driving and 10 parked, 60 km take 70 to 80 minutes, not the 60 its speed says", async () => {
    const truck = await api.f.addTerminal({ codec: 'jt808' });
    // The last report 10 minutes ago (a report from the future would be refused).
    const fixes: Array<{ at: number; lat: number; speed: number }> = [{ at: T0 - 490 * MIN, lat: 30, speed: 60 }];
    for (let k = 0; k < 96; k++) {
      const v = k % 8 < 6 ? 60 : 0;
      fixes.push({
        at: T0 - 490 * MIN + (k + 1) * 5 * MIN,
        lat: fixes[k]!.lat + ((v * 5) / 60) * DEG_PER_KM,
        speed: v,
      });
    }
    const frames = fixes.map((x, i) =>
      uplink(
        truck,
        i + 1,
        encodeLocationReport({
          phone: '13912345679',
          serial: i,
          lat: x.lat,
          lon: 114,
          speedKmh: x.speed,
          time: new Date(x.at).toISOString(),
        }),
        { capturedAt: x.at + MIN },
      ),
    );
    await collect(api.f.bus, 'satiot.decoded.>', frames.length, () =>
      api.f.core.pipeline.ingest(api.f.station, frames),
    );
    const last = fixes.at(-1)!.lat;
    const route = {
      type: 'LineString',
      coordinates: [
        [114, last],
        [114, last + 60 * DEG_PER_KM],
      ],
    };
    const res = (
      await api.app.inject({
        method: 'POST',
        url: `/api/v1/terminals/${truck.devEui}/eta`,
        headers: auth,
        payload: { route },
      })
    ).json();
    expect(res).toMatchObject({ remainingKm: expect.closeTo(60, 1), speedKmh: expect.closeTo(60, 0) });
    // The last report ends a stop (k = 95 is parked): the speed says an hour from now.
    expect(Math.abs(Date.parse(res.eta) - (T0 + 60 * MIN))).toBeLessThan(2000);
    expect(res.learned).toMatchObject({ level: 0.8, samples: expect.any(Number) });
    expect(res.learned.samples).toBeGreaterThan(50);
    expect(Date.parse(res.learned.median) - T0).toBeGreaterThanOrEqual(70 * MIN - 2000);
    expect(Date.parse(res.learned.upper) - T0).toBeLessThanOrEqual(80 * MIN + 2000);
  });

  it('answers TERMINAL_NOT_FOUND for an unknown terminal and refuses a route that is not a line of [lon, lat]', async () => {
    const t = await api.f.addTerminal({ codec: 'jt808' });
    const missing = await api.app.inject({
      method: 'GET',
      url: '/api/v1/terminals/0000000000000000/track',
      headers: auth,
    });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'TERMINAL_NOT_FOUND']);
    const bad = await api.app.inject({
      method: 'POST',
      url: `/api/v1/terminals/${t.devEui}/eta`,
      headers: auth,
      payload: {
        route: {
          type: 'LineString',
          coordinates: [
            [114, 30],
            [300, 30],
          ],
        },
      },
    });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
  });
});
