import { eciToGeodetic, gstime, sgp4 } from 'satellite.js';
import { SatiotError } from '../errors/satiot-error.js';
import type { Satellite } from './satellite.js';

/** Where a satellite is over the Earth: geodetic latitude and longitude (WGS84, degrees) and height (km). */
export interface SubSatellitePoint {
  readonly lat: number;
  readonly lon: number;
  readonly altKm: number;
}

const JD_UNIX_EPOCH = 2_440_587.5;
const DEG = 180 / Math.PI;

/**
 * The sub-satellite point at `t` (Unix ms): SGP4 (satellite.js) then satellite.js's TEME → geodetic
 * conversion at GMST, the same rotation the pass finder uses. Throws ELEMENT_SET_DECAYED when SGP4
 * cannot propagate to `t`.
 */
export function subSatellitePoint(sat: Satellite, t: number): SubSatellitePoint {
  const pv = sgp4(sat.satrec, (t - sat.elements.epoch) / 60_000);
  if (!pv) {
    throw new SatiotError(
      'ELEMENT_SET_DECAYED',
      `${sat.name} (${sat.noradId}): SGP4 cannot propagate to ${new Date(t).toISOString()}`,
      { satellite: sat.name, noradId: sat.noradId },
    );
  }
  const g = eciToGeodetic(pv.position, gstime(t / 86_400_000 + JD_UNIX_EPOCH));
  const lon = ((g.longitude * DEG + 540) % 360) - 180;
  return { lat: g.latitude * DEG, lon, altKm: g.height };
}
