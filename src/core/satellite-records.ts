import { parseElementSets } from '../orbit/parse-element-sets.js';
import { Satellite } from '../orbit/satellite.js';
import type { SatelliteRecord } from './model.js';

/**
 * Propagators for stored satellites: TLEs read as text, OMM records as one JSON array, through the
 * orbit layer's loader; a set it cannot use is skipped (it was checked when it was loaded).
 */
export function satellitesOf(records: readonly SatelliteRecord[]): Satellite[] {
  const text = records
    .filter((r) => r.format === 'tle')
    .map((r) => `${r.name}\n${r.elementSet}`)
    .join('\n');
  const omm = records.filter((r) => r.format === 'omm').map((r) => JSON.parse(r.elementSet) as unknown);
  const sets = [...parseElementSets(text).sets, ...(omm.length ? parseElementSets(JSON.stringify(omm)).sets : [])];
  return sets.map((s) => new Satellite(s));
}

/**
 * The stored satellites by the ids receptions name them with (the element set's name, any case, or
 * its NORAD number), loaded again after `ttlMs` (the catalogue changes when an operator loads sets).
 */
export class SatelliteCatalog {
  private cache: { at: number; byId: Map<string, Satellite> } | undefined;

  constructor(
    private readonly load: () => Promise<readonly SatelliteRecord[]>,
    private readonly now: () => number,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  async get(id: string): Promise<Satellite | undefined> {
    const now = this.now();
    if (!this.cache || now - this.cache.at > this.ttlMs || now < this.cache.at) {
      const byId = new Map<string, Satellite>();
      for (const s of satellitesOf(await this.load())) {
        byId.set(s.name.toUpperCase(), s);
        byId.set(String(s.noradId), s);
      }
      this.cache = { at: now, byId };
    }
    return this.cache.byId.get(id.toUpperCase()) ?? this.cache.byId.get(id);
  }
}
