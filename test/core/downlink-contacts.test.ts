import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DownlinkContacts } from '../../src/core/downlink-contacts.js';
import type { GroundStationRecord, SatelliteRecord } from '../../src/core/model.js';
import { findPasses } from '../../src/orbit/pass-finder.js';
import { parseElementSets } from '../../src/orbit/parse-element-sets.js';
import { Satellite } from '../../src/orbit/satellite.js';
import { makeSite } from '../../src/orbit/site.js';

const T0 = Date.parse('2026-01-15T12:00:00Z');
const HOUR = 3_600_000;
const TLE = readFileSync(new URL('../fixtures/tle/reference-leo.tle', import.meta.url), 'utf8');
const SETS = parseElementSets(TLE).sets;

/** The catalogue as the store lists it: the fixture's element sets as TLE records. */
function records(n: number, updatedAt = T0): SatelliteRecord[] {
  const lines = TLE.trim().split('\n');
  return SETS.slice(0, n).map((s, i) => ({
    noradId: s.noradId,
    name: s.name,
    format: 'tle',
    elementSet: `${lines[i * 3 + 1]}\n${lines[i * 3 + 2]}`,
    epoch: T0,
    updatedAt,
  }));
}

const station = (id: string, lat: number, lon: number, enabled = true): GroundStationRecord => ({
  id,
  name: id,
  lat,
  lon,
  altM: 50,
  tokenHash: '0'.repeat(64),
  enabled,
  createdAt: T0,
});

function catalog(sats: SatelliteRecord[], stations: GroundStationRecord[]) {
  const c = { sats, stations };
  return Object.assign(c, {
    satellites: { list: async () => c.sats },
    groundStations: { list: async () => c.stations },
  });
}

describe('DownlinkContacts', () => {
  it("gives the passes findPasses finds: over enabled stations above 5° and over a terminal's position above 10°, clipped to the range", async () => {
    const cat = catalog(records(6), [station('gs-a', 40, 116), station('gs-off', 30, 104, false)]);
    const contacts = new DownlinkContacts(cat);
    const from = T0 + 30 * 60_000,
      to = T0 + 24 * HOUR;
    const st = await contacts.stationContacts(from, to);
    const te = await contacts.terminalContacts({ location: { lat: 35, lon: 110, altM: 0 } }, from, to);
    const ref = (lat: number, lon: number, altM: number, minEl: number) =>
      SETS.flatMap((s) =>
        findPasses(new Satellite(s), {
          site: makeSite({ latDeg: lat, lonDeg: lon, altM }),
          start: from - 2 * HOUR,
          end: to + 2 * HOUR,
          minElevationDeg: minEl,
        })
          .filter((p) => p.los > from && p.aos < to)
          .map((p) => ({ sat: String(s.noradId), start: p.aos, end: p.los })),
      ).sort((a, b) => a.start - b.start);
    for (const [got, want, kind] of [
      [st, ref(40, 116, 50, 5), 'station'],
      [te, ref(35, 110, 0, 10), 'terminal'],
    ] as const) {
      const sorted = [...got].sort((a, b) => a.start - b.start);
      expect(sorted.length).toBe(want.length);
      expect(sorted.length).toBeGreaterThan(5);
      sorted.forEach((c, i) => {
        expect(c.kind).toBe(kind);
        expect(c.satelliteId).toBe(want[i]!.sat);
        expect(Math.abs(c.start - want[i]!.start)).toBeLessThan(1000);
        expect(Math.abs(c.end - want[i]!.end)).toBeLessThan(1000);
      });
    }
    expect(st.every((c) => c.stationId === 'gs-a')).toBe(true);
    expect(new Set([...st, ...te].map((c) => c.id)).size).toBe(st.length + te.length);
  });

  it('has no contacts for a terminal without a registered position, nor without satellites', async () => {
    const contacts = new DownlinkContacts(catalog([], [station('gs-a', 40, 116)]));
    expect(await contacts.stationContacts(T0, T0 + 48 * HOUR)).toEqual([]);
    expect(await contacts.terminalContacts({ location: { lat: 35, lon: 110, altM: 0 } }, T0, T0 + 48 * HOUR)).toEqual(
      [],
    );
    expect(await new DownlinkContacts(catalog(records(6), [])).terminalContacts({}, T0, T0 + 48 * HOUR)).toEqual([]);
  });

  it('gives the same contacts for windows in one hour bucket, and new ones once the constellation changes', async () => {
    const cat = catalog(records(1), [station('gs-a', 40, 116)]);
    const contacts = new DownlinkContacts(cat);
    const first = await contacts.stationContacts(T0 + 60_000, T0 + 48 * HOUR);
    const again = await contacts.stationContacts(T0 + 120_000, T0 + 48 * HOUR);
    expect(again).toEqual(first);
    expect(new Set(first.map((c) => c.satelliteId))).toEqual(new Set([String(SETS[0]!.noradId)]));
    cat.sats = records(6, T0 + 1);
    const more = await contacts.stationContacts(T0 + 180_000, T0 + 48 * HOUR);
    expect(new Set(more.map((c) => c.satelliteId)).size).toBe(6);
  });
});
