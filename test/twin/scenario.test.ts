/* eslint-disable @typescript-eslint/no-explicit-any -- these tests mutate raw, untyped scenario documents */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadScenario, parseScenario, DEFAULT_RADIO } from '../../src/twin/index.js';
import { CHINA_TRIAL } from '../../src/twin/scenario/china-trial.js';
import { errorOf } from '../support/error-of.js';

const T0 = Date.parse('2026-01-15T00:00:00Z');
const clone = () => structuredClone(CHINA_TRIAL) as Record<string, any>;

describe('scenario validation', () => {
  it('reads the built-in china-trial with its three sectors and defaults filled in', () => {
    const s = loadScenario('china-trial', { start: T0 });
    expect(s.start).toBe(T0);
    expect(s.constellation.walker).toEqual({ design: '45:36/6/1', altitudeKm: 550 });
    expect(new Set(s.tenants.map((t) => t.sector))).toEqual(new Set(['water', 'power', 'logistics']));
    expect(new Set(s.tenants.flatMap((t) => t.fleets.map((f) => f.protocol)))).toEqual(
      new Set(['jt808', 'sl651', 'line-monitor']),
    );
    expect(s.radio).toEqual(DEFAULT_RADIO);
    expect(s.groundStations.length).toBeGreaterThanOrEqual(3);
  });

  it.each([
    [
      'a fleet period out of range',
      (r: any) => {
        r.tenants[0].fleets[1].traffic.periodMinutes = 0;
      },
      'tenants[0].fleets[1].traffic.periodMinutes',
    ],
    [
      'an unknown field',
      (r: any) => {
        r.radio = { frequencyMhz: 400 };
      },
      'radio.frequencyMhz',
    ],
    [
      'an unknown protocol',
      (r: any) => {
        r.tenants[2].fleets[0].protocol = 'nmea';
      },
      'tenants[2].fleets[0].protocol',
    ],
    [
      'a route with one city',
      (r: any) => {
        r.tenants[2].fleets[0].mobility.cities = [[30, 110]];
      },
      'tenants[2].fleets[0].mobility.cities',
    ],
    [
      'a latitude beyond the pole',
      (r: any) => {
        r.tenants[0].fleets[0].mobility.along[2] = [95, 110];
      },
      'tenants[0].fleets[0].mobility.along[2]',
    ],
    [
      'a box with south above north',
      (r: any) => {
        r.tenants[2].fleets[2].mobility.box = [32, 121, 27, 125];
      },
      'tenants[2].fleets[2].mobility.box',
    ],
    [
      'a malformed Walker design',
      (r: any) => {
        r.constellation.walker.design = '45:36/5/1';
      },
      'constellation.walker.design',
    ],
    [
      'both Walker and element sets',
      (r: any) => {
        r.constellation.elementSetsFile = 'x.tle';
      },
      'constellation',
    ],
    [
      'a duplicate ground station id',
      (r: any) => {
        r.groundStations.push(r.groundStations[0]);
      },
      'groundStations[5].id',
    ],
    [
      'a speed that is neither max nor a number',
      (r: any) => {
        r.speed = 'fast';
      },
      'speed',
    ],
    [
      'a string where a number belongs',
      (r: any) => {
        r.tenants[1].fleets[0].count = '40';
      },
      'tenants[1].fleets[0].count',
    ],
  ])('refuses %s, naming the field', (_what, mutate, path) => {
    const raw = clone();
    mutate(raw);
    const e = errorOf(() => parseScenario(raw, { defaultStart: T0 }));
    expect(e.code).toBe('SCENARIO_INVALID');
    expect(e.message.startsWith(`${path}:`)).toBe(true);
    expect(e.details).toMatchObject({ path });
  });

  it('loads a YAML file with element sets next to it, and JSON too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'satiot-scn-'));
    // Two ISS-like sets (checksums valid): the loader reads the file named relative to the scenario.
    writeFileSync(
      join(dir, 'sats.tle'),
      [
        'ISS (ZARYA)',
        '1 25544U 98067A   26014.50000000  .00016717  00000-0  10270-3 0  9006',
        '2 25544  51.6400 208.9163 0006317  69.9862  25.2906 15.49560000 10007',
      ].join('\n'),
    );
    const raw = clone();
    raw.constellation = { elementSetsFile: 'sats.tle' };
    raw.start = '2026-01-15T00:00:00Z';
    writeFileSync(join(dir, 's.yaml'), stringify(raw));
    const s = loadScenario(join(dir, 's.yaml'));
    expect(s.start).toBe(T0);
    expect(s.constellation.elementSetsText).toContain('25544');
    writeFileSync(join(dir, 's.json'), JSON.stringify({ ...clone(), name: 'json-one' }));
    expect(loadScenario(join(dir, 's.json'), { start: T0 }).name).toBe('json-one');
  });

  it('reports unreadable files and broken YAML with their own codes', () => {
    expect(errorOf(() => loadScenario('/nonexistent/scenario.yaml')).code).toBe('FILE_NOT_READABLE');
    const dir = mkdtempSync(join(tmpdir(), 'satiot-scn-'));
    writeFileSync(join(dir, 'bad.yaml'), 'name: [unclosed');
    expect(errorOf(() => loadScenario(join(dir, 'bad.yaml'))).code).toBe('SCENARIO_INVALID');
    writeFileSync(join(dir, 'list.yaml'), '- 1\n- 2\n');
    expect(errorOf(() => loadScenario(join(dir, 'list.yaml'))).message).toMatch(/expected an object/);
  });
});
