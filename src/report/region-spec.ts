import type { Region } from '../plan/region.js';
import { loadRegion, REGION_PRESETS } from './region-loader.js';
import { SatiotError } from '../errors/satiot-error.js';

/** A region from a request: a preset or a bbox only — an API never reads a server file path. */
export function loadRegionSpec(spec: string): Region {
  const s = spec.trim();
  if (REGION_PRESETS[s.toLowerCase()] || s.startsWith('bbox:')) return loadRegion(s);
  throw new SatiotError(
    'REGION_UNKNOWN',
    `region '${spec}' must be a preset (${Object.keys(REGION_PRESETS).join(', ')}) or bbox:minLon,minLat,maxLon,maxLat`,
    { region: spec },
  );
}
