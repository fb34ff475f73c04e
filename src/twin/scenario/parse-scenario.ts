import { SatiotError } from '../../errors/satiot-error.js';
import { TERMINAL_PROFILES, type TerminalProfile } from '../../core/model.js';
import { SOLUTIONS, type SolutionName } from '../../solutions/index.js';
import { parseWalker } from '../../orbit/walker.js';
import type {
  Fleet,
  GaugeSpec,
  GroundStationSpec,
  LatLon,
  Mobility,
  Protocol,
  RadioSpec,
  SatelliteSpec,
  Scenario,
  TenantSpec,
  TerrestrialGatewaySpec,
  Traffic,
} from './scenario.js';

/** Defaults of the radio model (sources and reasoning in docs/twin.md). */
export const DEFAULT_RADIO: RadioSpec = {
  frequencyMHz: 470,
  eirpDbm: 20,
  satGOverTDbK: -30,
  bandwidthHz: 125_000,
  requiredSnrDb: -20,
  snrSlopeDb: 1,
  miscLossDb: 3,
  channels: 8,
  airtimeMs: 1000,
  captureDb: 6,
  minElevationDeg: 10,
};

export const DEFAULT_SATELLITE: SatelliteSpec = {
  bufferFrames: 20_000,
  dumpFramesPerSecond: 50,
  groundDelaySeconds: 5,
};

const PROTOCOLS: readonly Protocol[] = ['jt808', 'sl651', 'line-monitor'];
const MAX_TERMINALS = 1_000_000;

type Obj = Record<string, unknown>;

/** Raised with the path of the offending field, e.g. `tenants[1].fleets[0].traffic.periodMinutes`. */
function bad(path: string, why: string): SatiotError {
  return new SatiotError('SCENARIO_INVALID', `${path}: ${why}`, { path });
}

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(path, 'expected an object');
  return v as Obj;
}

function onlyKeys(o: Obj, path: string, keys: readonly string[]): void {
  for (const k of Object.keys(o))
    if (!keys.includes(k)) throw bad(path ? `${path}.${k}` : k, `unknown field (expected one of ${keys.join(', ')})`);
}

function num(o: Obj, key: string, path: string, min: number, max: number, dflt?: number): number {
  const v = o[key];
  if (v === undefined) {
    if (dflt === undefined) throw bad(`${path}.${key}`, 'is required');
    return dflt;
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw bad(`${path}.${key}`, `expected a number, got ${JSON.stringify(v)}`);
  if (v < min || v > max) throw bad(`${path}.${key}`, `${v} is outside ${min}..${max}`);
  return v;
}

function str(o: Obj, key: string, path: string, dflt?: string): string {
  const v = o[key];
  if (v === undefined) {
    if (dflt === undefined) throw bad(`${path}.${key}`, 'is required');
    return dflt;
  }
  if (typeof v !== 'string' || v.trim() === '') throw bad(`${path}.${key}`, 'expected a non-empty string');
  return v.trim();
}

function oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[], dflt?: T): T {
  const v = str(o, key, path, dflt);
  if (!(allowed as readonly string[]).includes(v))
    throw bad(`${path}.${key}`, `'${v}' is not one of ${allowed.join(', ')}`);
  return v as T;
}

function arr(v: unknown, path: string, min = 1): unknown[] {
  if (!Array.isArray(v)) throw bad(path, 'expected a list');
  if (v.length < min) throw bad(path, `expected at least ${min} entr${min === 1 ? 'y' : 'ies'}`);
  return v;
}

function latLon(v: unknown, path: string): LatLon {
  const a = arr(v, path, 2);
  const [lat, lon] = a;
  if (a.length !== 2 || typeof lat !== 'number' || typeof lon !== 'number')
    throw bad(path, 'expected [lat, lon] in degrees');
  if (!(lat >= -90 && lat <= 90)) throw bad(path, `latitude ${lat} is outside -90..90`);
  if (!(lon >= -180 && lon <= 180)) throw bad(path, `longitude ${lon} is outside -180..180`);
  return [lat, lon];
}

function box(v: unknown, path: string): [number, number, number, number] {
  const a = arr(v, path, 4);
  if (a.length !== 4 || a.some((x) => typeof x !== 'number'))
    throw bad(path, 'expected [south, west, north, east] in degrees');
  const [s, w, n, e] = a as number[];
  if (!(s! >= -90 && n! <= 90 && s! < n!)) throw bad(path, 'south must be below north, within -90..90');
  if (!(w! >= -180 && e! <= 180 && w! < e!)) throw bad(path, 'west must be below east, within -180..180');
  return [s!, w!, n!, e!];
}

function mobility(v: unknown, path: string): Mobility {
  const o = obj(v, path);
  const kind = oneOf(o, 'kind', path, ['fixed', 'area', 'route', 'drift'] as const);
  switch (kind) {
    case 'fixed': {
      onlyKeys(o, path, ['kind', 'along', 'points', 'jitterKm']);
      if ((o.along === undefined) === (o.points === undefined))
        throw bad(path, "give either 'along' (a polyline) or 'points'");
      return {
        kind,
        ...(o.along !== undefined
          ? { along: arr(o.along, `${path}.along`, 1).map((p, i) => latLon(p, `${path}.along[${i}]`)) }
          : {}),
        ...(o.points !== undefined
          ? { points: arr(o.points, `${path}.points`, 1).map((p, i) => latLon(p, `${path}.points[${i}]`)) }
          : {}),
        jitterKm: num(o, 'jitterKm', path, 0, 500, 0),
      };
    }
    case 'area':
      onlyKeys(o, path, ['kind', 'box']);
      return { kind, box: box(o.box, `${path}.box`) };
    case 'route':
      onlyKeys(o, path, ['kind', 'cities', 'speedKmh', 'dwellMinutes', 'altM']);
      return {
        kind,
        cities: arr(o.cities, `${path}.cities`, 2).map((p, i) => latLon(p, `${path}.cities[${i}]`)),
        speedKmh: num(o, 'speedKmh', path, 1, 1200),
        dwellMinutes: num(o, 'dwellMinutes', path, 0, 24 * 60, 30),
        altM: num(o, 'altM', path, 0, 15_000, 0),
      };
    case 'drift':
      onlyKeys(o, path, ['kind', 'box', 'speedKmh']);
      return { kind, box: box(o.box, `${path}.box`), speedKmh: num(o, 'speedKmh', path, 0, 100) };
  }
}

function traffic(v: unknown, path: string): Traffic {
  const o = obj(v, path);
  onlyKeys(o, path, ['periodMinutes', 'eventsPerDay', 'emergencyShare', 'waitForSatellite', 'downlinksPerDay']);
  const wait = o.waitForSatellite ?? true;
  if (typeof wait !== 'boolean') throw bad(`${path}.waitForSatellite`, 'expected true or false');
  return {
    periodMinutes: num(o, 'periodMinutes', path, 1, 7 * 24 * 60),
    eventsPerDay: num(o, 'eventsPerDay', path, 0, 1000, 0),
    emergencyShare: num(o, 'emergencyShare', path, 0, 1, 0),
    waitForSatellite: wait,
    downlinksPerDay: num(o, 'downlinksPerDay', path, 0, 100, 0),
  };
}

function fleet(v: unknown, path: string): Fleet {
  const o = obj(v, path);
  onlyKeys(o, path, ['name', 'count', 'protocol', 'profile', 'mobility', 'traffic', 'eirpDbm', 'gauge']);
  const count = num(o, 'count', path, 0, MAX_TERMINALS);
  if (!Number.isInteger(count)) throw bad(`${path}.count`, 'expected a whole number');
  const protocol = oneOf(o, 'protocol', path, PROTOCOLS);
  if (o.gauge !== undefined && protocol !== 'sl651') throw bad(`${path}.gauge`, 'only an sl651 fleet has gauges');
  return {
    name: str(o, 'name', path),
    count,
    protocol,
    profile: oneOf<TerminalProfile>(o, 'profile', path, TERMINAL_PROFILES),
    mobility: mobility(o.mobility, `${path}.mobility`),
    traffic: traffic(o.traffic, `${path}.traffic`),
    ...(o.eirpDbm !== undefined ? { eirpDbm: num(o, 'eirpDbm', path, -10, 40) } : {}),
    ...(o.gauge !== undefined ? { gauge: gauge(o.gauge, `${path}.gauge`) } : {}),
  };
}

function gauge(v: unknown, path: string): GaugeSpec {
  const o = obj(v, path);
  onlyKeys(o, path, ['floodEveryHours', 'floodRiseHours', 'floodPeakM', 'warningAboveM']);
  const every = num(o, 'floodEveryHours', path, 1, 24 * 365),
    rise = num(o, 'floodRiseHours', path, 0.5, 24 * 30);
  if (rise >= every) throw bad(`${path}.floodRiseHours`, 'must be shorter than floodEveryHours');
  return {
    floodEveryHours: every,
    floodRiseHours: rise,
    floodPeakM: num(o, 'floodPeakM', path, 0, 50),
    ...(o.warningAboveM !== undefined ? { warningAboveM: num(o, 'warningAboveM', path, 0.01, 50) } : {}),
  };
}

function tenant(v: unknown, path: string): TenantSpec {
  const o = obj(v, path);
  onlyKeys(o, path, ['name', 'sector', 'fleets']);
  return {
    name: str(o, 'name', path),
    sector: oneOf<SolutionName>(o, 'sector', path, SOLUTIONS),
    fleets: arr(o.fleets, `${path}.fleets`).map((f, i) => fleet(f, `${path}.fleets[${i}]`)),
  };
}

/** A named site's id (default: its name as a slug), name and position: what stations and gateways share. */
function site(o: Obj, path: string): { id: string; name: string; lat: number; lon: number; altM: number } {
  const name = str(o, 'name', path);
  return {
    id: str(o, 'id', path, name.toLowerCase().replace(/[^a-z0-9]+/g, '-')),
    name,
    lat: num(o, 'lat', path, -90, 90),
    lon: num(o, 'lon', path, -180, 180),
    altM: num(o, 'altM', path, -500, 9000, 0),
  };
}

function station(v: unknown, path: string): GroundStationSpec {
  const o = obj(v, path);
  onlyKeys(o, path, ['id', 'name', 'lat', 'lon', 'altM', 'minElevationDeg']);
  return { ...site(o, path), minElevationDeg: num(o, 'minElevationDeg', path, 0, 60, 5) };
}

function terrestrialGateway(v: unknown, path: string): TerrestrialGatewaySpec {
  const o = obj(v, path);
  onlyKeys(o, path, ['id', 'name', 'lat', 'lon', 'altM', 'rangeKm']);
  return { ...site(o, path), rangeKm: num(o, 'rangeKm', path, 0.1, 100, 10) };
}

/** Refuses a list of sites where two share an id, naming the second. */
function uniqueIds(list: ReadonlyArray<{ id: string }>, path: string): void {
  const ids = new Set<string>();
  list.forEach((g, i) => {
    if (ids.has(g.id)) throw bad(`${path}[${i}].id`, `duplicate id '${g.id}'`);
    ids.add(g.id);
  });
}

function time(o: Obj, key: string, path: string, dflt: number): number {
  const v = o[key];
  if (v === undefined) return dflt;
  const t = typeof v === 'string' ? Date.parse(v) : v instanceof Date ? v.getTime() : NaN;
  if (!Number.isFinite(t)) throw bad(`${path}.${key}`, `expected an ISO 8601 time, got ${JSON.stringify(v)}`);
  return t;
}

/**
 * Validates a scenario as read from YAML or JSON and fills in the defaults. Every error is
 * SCENARIO_INVALID naming the field's path. `elementSetsText` is the text of
 * `constellation.elementSetsFile` when the caller has read it (the parser does no I/O).
 */
export function parseScenario(raw: unknown, opts: { elementSetsText?: string; defaultStart?: number } = {}): Scenario {
  const o = obj(raw, 'scenario');
  onlyKeys(o, '', [
    'name',
    'seed',
    'start',
    'hours',
    'speed',
    'constellation',
    'groundStations',
    'terrestrialGateways',
    'radio',
    'satellite',
    'tenants',
  ]);
  const c = obj(o.constellation, 'constellation');
  onlyKeys(c, 'constellation', ['walker', 'elementSetsFile']);
  if ((c.walker === undefined) === (c.elementSetsFile === undefined))
    throw bad('constellation', "give either 'walker' ({design: 'i:T/P/F', altitudeKm}) or 'elementSetsFile'");
  let constellation: Scenario['constellation'];
  if (c.walker !== undefined) {
    const w = obj(c.walker, 'constellation.walker');
    onlyKeys(w, 'constellation.walker', ['design', 'altitudeKm']);
    const design = str(w, 'design', 'constellation.walker');
    try {
      parseWalker(design);
    } catch (e) {
      throw bad('constellation.walker.design', (e as Error).message);
    }
    constellation = { walker: { design, altitudeKm: num(w, 'altitudeKm', 'constellation.walker', 150, 40_000) } };
  } else {
    constellation = {
      elementSetsFile: str(c, 'elementSetsFile', 'constellation'),
      ...(opts.elementSetsText !== undefined ? { elementSetsText: opts.elementSetsText } : {}),
    };
  }
  const speedRaw = o.speed ?? 60;
  let speed: number | 'max';
  if (speedRaw === 'max') speed = 'max';
  else if (typeof speedRaw === 'number' && speedRaw >= 1 && speedRaw <= 100_000) speed = speedRaw;
  else throw bad('speed', `expected 'max' or a number within 1..100000, got ${JSON.stringify(speedRaw)}`);

  const r = o.radio === undefined ? {} : obj(o.radio, 'radio');
  onlyKeys(r, 'radio', Object.keys(DEFAULT_RADIO));
  const d = DEFAULT_RADIO;
  const radio: RadioSpec = {
    frequencyMHz: num(r, 'frequencyMHz', 'radio', 30, 30_000, d.frequencyMHz),
    eirpDbm: num(r, 'eirpDbm', 'radio', -10, 40, d.eirpDbm),
    satGOverTDbK: num(r, 'satGOverTDbK', 'radio', -60, 30, d.satGOverTDbK),
    bandwidthHz: num(r, 'bandwidthHz', 'radio', 100, 100e6, d.bandwidthHz),
    requiredSnrDb: num(r, 'requiredSnrDb', 'radio', -40, 40, d.requiredSnrDb),
    snrSlopeDb: num(r, 'snrSlopeDb', 'radio', 0.01, 20, d.snrSlopeDb),
    miscLossDb: num(r, 'miscLossDb', 'radio', 0, 60, d.miscLossDb),
    channels: Math.round(num(r, 'channels', 'radio', 1, 1024, d.channels)),
    airtimeMs: num(r, 'airtimeMs', 'radio', 1, 60_000, d.airtimeMs),
    captureDb: num(r, 'captureDb', 'radio', 0, 60, d.captureDb),
    minElevationDeg: num(r, 'minElevationDeg', 'radio', 0, 80, d.minElevationDeg),
  };
  const s = o.satellite === undefined ? {} : obj(o.satellite, 'satellite');
  onlyKeys(s, 'satellite', Object.keys(DEFAULT_SATELLITE));
  const satellite: SatelliteSpec = {
    bufferFrames: Math.round(num(s, 'bufferFrames', 'satellite', 1, 10_000_000, DEFAULT_SATELLITE.bufferFrames)),
    dumpFramesPerSecond: num(s, 'dumpFramesPerSecond', 'satellite', 0.001, 1e6, DEFAULT_SATELLITE.dumpFramesPerSecond),
    groundDelaySeconds: num(s, 'groundDelaySeconds', 'satellite', 0, 3600, DEFAULT_SATELLITE.groundDelaySeconds),
  };
  const groundStations = arr(o.groundStations, 'groundStations').map((g, i) => station(g, `groundStations[${i}]`));
  uniqueIds(groundStations, 'groundStations');
  const terrestrialGateways =
    o.terrestrialGateways === undefined
      ? []
      : arr(o.terrestrialGateways, 'terrestrialGateways', 0).map((g, i) =>
          terrestrialGateway(g, `terrestrialGateways[${i}]`),
        );
  uniqueIds(terrestrialGateways, 'terrestrialGateways');
  const tenants = arr(o.tenants, 'tenants').map((t, i) => tenant(t, `tenants[${i}]`));
  const names = new Set<string>();
  tenants.forEach((t, i) => {
    if (names.has(t.name)) throw bad(`tenants[${i}].name`, `duplicate tenant '${t.name}'`);
    names.add(t.name);
  });
  const total = tenants.reduce((n, t) => n + t.fleets.reduce((m, f) => m + f.count, 0), 0);
  if (total > MAX_TERMINALS) throw bad('tenants', `${total} terminals in all; at most ${MAX_TERMINALS}`);
  const seed = num(o, 'seed', 'scenario', 0, 2 ** 31 - 1, 1);
  return {
    name: str(o, 'name', 'scenario'),
    seed: Math.round(seed),
    start: time(o, 'start', 'scenario', opts.defaultStart ?? Date.now()),
    hours: num(o, 'hours', 'scenario', 0.01, 24 * 31, 24),
    speed,
    constellation,
    groundStations,
    terrestrialGateways,
    radio,
    satellite,
    tenants,
  };
}
