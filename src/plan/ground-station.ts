import { SatiotError } from '../errors/satiot-error.js';

export interface GroundStation {
  readonly id: string;
  readonly name: string;
  readonly latDeg: number;
  readonly lonDeg: number;
  readonly altM: number;
  /** Minimum elevation for a downlink contact, degrees. */
  readonly minElevationDeg: number;
}

/**
 * Built-in preset `china`: ten sites spread over China, at or near places that host satellite
 * ground stations (e.g. Miyun, Kashi, Sanya, Jiamusi, Mohe). Coordinates rounded to 0.01°.
 */
export const CHINA_GROUND_STATIONS: readonly GroundStation[] = [
  { id: 'miyun', name: 'Beijing Miyun', latDeg: 40.45, lonDeg: 116.85, altM: 160, minElevationDeg: 5 },
  { id: 'kashi', name: 'Kashi', latDeg: 39.5, lonDeg: 76.0, altM: 1300, minElevationDeg: 5 },
  { id: 'sanya', name: 'Sanya', latDeg: 18.3, lonDeg: 109.3, altM: 20, minElevationDeg: 5 },
  { id: 'jiamusi', name: 'Jiamusi', latDeg: 46.8, lonDeg: 130.3, altM: 80, minElevationDeg: 5 },
  { id: 'mohe', name: 'Mohe', latDeg: 52.97, lonDeg: 122.53, altM: 300, minElevationDeg: 5 },
  { id: 'kunming', name: 'Kunming', latDeg: 25.03, lonDeg: 102.8, altM: 1900, minElevationDeg: 5 },
  { id: 'xian', name: "Xi'an", latDeg: 34.27, lonDeg: 108.95, altM: 400, minElevationDeg: 5 },
  { id: 'lhasa', name: 'Lhasa', latDeg: 29.65, lonDeg: 91.1, altM: 3650, minElevationDeg: 5 },
  { id: 'urumqi', name: 'Urumqi', latDeg: 43.82, lonDeg: 87.6, altM: 800, minElevationDeg: 5 },
  { id: 'shanghai', name: 'Shanghai', latDeg: 31.1, lonDeg: 121.2, altM: 10, minElevationDeg: 5 },
];

/**
 * Validates a ground-station list as read from JSON: `[{"id","name","lat","lon","altM","minElevationDeg"}]`
 * (`id`, `altM` and `minElevationDeg` optional; default minimum elevation `defaultMinElevationDeg`).
 */
export function parseGroundStations(json: unknown, defaultMinElevationDeg: number): GroundStation[] {
  const bad = (why: string, index?: number) =>
    new SatiotError(
      'GROUND_STATIONS_INVALID',
      index === undefined ? why : `ground station ${index + 1}: ${why}`,
      index === undefined ? {} : { index },
    );
  if (!Array.isArray(json)) throw bad('expected a JSON array of {"id","name","lat","lon","altM","minElevationDeg"}');
  if (json.length === 0) throw bad('the list is empty');
  const ids = new Set<string>();
  return json.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null) throw bad('not an object', i);
    const r = raw as Record<string, unknown>;
    const lat = r.lat ?? r.latDeg,
      lon = r.lon ?? r.lonDeg;
    if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90)
      throw bad(`"lat" must be a number within -90..90`, i);
    if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 360)
      throw bad(`"lon" must be a number within -180..360`, i);
    const altM = r.altM ?? 0;
    if (typeof altM !== 'number' || !Number.isFinite(altM)) throw bad('"altM" must be a number', i);
    const minEl = r.minElevationDeg ?? defaultMinElevationDeg;
    if (typeof minEl !== 'number' || !Number.isFinite(minEl) || minEl < -5 || minEl >= 90)
      throw bad('"minElevationDeg" must be a number within -5..90', i);
    const id = typeof r.id === 'string' && r.id !== '' ? r.id : `gs${i + 1}`;
    if (ids.has(id)) throw bad(`duplicate id '${id}'`, i);
    ids.add(id);
    const name = typeof r.name === 'string' && r.name !== '' ? r.name : id;
    return { id, name, latDeg: lat, lonDeg: lon, altM, minElevationDeg: minEl };
  });
}
