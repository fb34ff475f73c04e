import { parseElementSets } from '../orbit/parse-element-sets.js';
import { Satellite } from '../orbit/satellite.js';
import type { SatelliteRecord } from './model.js';

/**
 * Propagators for stored satellites: TLEs read as text, OMM records as one JSON array, through the
 * orbit layer's loader; a set it cannot use is skipped (it was checked when it was loaded).
 */
export function satellitesOf(records: readonly SatelliteRecord[]): Satellite[] {
  const text = records.filter((r) => r.format === 'tle').map((r) => `${r.name}\n${r.elementSet}`).join('\n');
  const omm = records.filter((r) => r.format === 'omm').map((r) => JSON.parse(r.elementSet) as unknown);
  const sets = [...parseElementSets(text).sets, ...(omm.length ? parseElementSets(JSON.stringify(omm)).sets : [])];
  return sets.map((s) => new Satellite(s));
}
