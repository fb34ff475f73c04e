import { satellitesOf } from './satellite-records.js';
import { findPassesForAll } from '../orbit/pass-finder.js';
import type { Satellite } from '../orbit/satellite.js';
import { makeSite } from '../orbit/site.js';
import type { Pass } from '../orbit/pass.js';
import { subSatellitePoint, type SubSatellitePoint } from '../orbit/sub-satellite-point.js';
import type { ContactOracle } from '../rules/index.js';
import type { SatelliteRecord } from './model.js';

/**
 * Contact counts from the real contact plan: the passes of the stored constellation over a
 * terminal's position above a minimum elevation (default 10°, a typical link margin for a low-power
 * terminal). A terminal with no known position, or a catalogue without satellites, has no contacts —
 * silence rules then need `missedContacts: 0` to fire on time alone.
 */
export class ContactPlanOracle implements ContactOracle {
  private sats: Satellite[] = [];

  constructor(private readonly minElevationDeg = 10) {}

  /** Replaces the constellation (after satellites are loaded). Bad element sets are skipped. */
  setSatellites(records: readonly SatelliteRecord[]): void {
    this.sats = satellitesOf(records);
  }

  get satelliteCount(): number {
    return this.sats.length;
  }

  /** Each satellite's sub-satellite point at `t`, by catalogue number; null where SGP4 cannot propagate to `t`. */
  positionsAt(t: number): Map<number, SubSatellitePoint | null> {
    const out = new Map<number, SubSatellitePoint | null>();
    for (const s of this.sats) {
      try {
        out.set(s.noradId, subSatellitePoint(s, t));
      } catch {
        out.set(s.noradId, null);
      }
    }
    return out;
  }

  /**
   * Passes of the constellation over a position in [start, end], above `minElevationDeg` (default the oracle's), by
   * AOS.
   */
  passesOver(
    pos: { lat: number; lon: number; altM?: number },
    start: number,
    end: number,
    minElevationDeg = this.minElevationDeg,
  ): Pass[] {
    if (this.sats.length === 0 || !(end > start)) return [];
    const site = makeSite({ latDeg: pos.lat, lonDeg: pos.lon, ...(pos.altM !== undefined ? { altM: pos.altM } : {}) });
    return findPassesForAll(this.sats, { site, start, end, minElevationDeg });
  }

  contactsBetween(
    terminal: { readonly id: string; readonly location?: { readonly lat: number; readonly lon: number } },
    fromMs: number,
    toMs: number,
  ): number {
    if (!terminal.location || this.sats.length === 0 || !(toMs > fromMs)) return 0;
    const site = makeSite({ latDeg: terminal.location.lat, lonDeg: terminal.location.lon });
    return findPassesForAll(this.sats, {
      site,
      start: fromMs,
      end: toMs,
      minElevationDeg: this.minElevationDeg,
      toleranceMs: 1000,
    }).length;
  }
}
