import { satellitesOf } from './satellite-records.js';
import { findPassesForAll } from '../orbit/pass-finder.js';
import type { Satellite } from '../orbit/satellite.js';
import { makeSite } from '../orbit/site.js';
import type { Contact } from '../plan/downlink-route.js';
import type { GeoPoint, GroundStationRecord, SatelliteRecord } from './model.js';

/** Where downlink routes come from: the contact plan over a time range (Unix ms). */
export interface DownlinkContactSource {
  /** Contacts of every enabled ground station with every satellite that overlap [from, to]. */
  stationContacts(from: number, to: number): Promise<readonly Contact[]>;
  /** Contacts of the satellites with a terminal's registered position; none without a position. */
  terminalContacts(terminal: { readonly location?: GeoPoint }, from: number, to: number): Promise<readonly Contact[]>;
}

export interface DownlinkContactOptions {
  /** Minimum elevation of a station–satellite contact, degrees (default 5: a tracking dish). */
  readonly stationMinElevationDeg?: number;
  /** Minimum elevation of a terminal contact, degrees (default 10: a low-power terminal's link margin). */
  readonly terminalMinElevationDeg?: number;
  /** Cached pass lists kept (default 2,000 sites × windows; the oldest go first). */
  readonly cacheEntries?: number;
}

const HOUR = 3_600_000;
/**
 * Passes are searched from one hour before the window: a pass in progress at `from` then comes out
 * whole (LEO passes last minutes), not cut at the window's start.
 */
const LEAD_MS = HOUR;

/**
 * Contact windows from the orbit layer: passes of the stored constellation over the ground stations
 * (≥ 5°) and over terminals' registered positions (≥ 10°). Pass lists are cached per site and hour
 * bucket of the window, so planning every minute costs one pass search per site per hour. The
 * constellation and the stations are read from the store on every stationContacts call (once per
 * planning pass), and the cache is dropped when the satellites changed (a new element set moves
 * every pass).
 */
export class DownlinkContacts implements DownlinkContactSource {
  private sats: Satellite[] = [];
  private satsKey = '';
  private readonly cache = new Map<string, readonly PassWindow[]>();
  private readonly stationMinEl: number;
  private readonly terminalMinEl: number;
  private readonly cacheEntries: number;

  constructor(
    private readonly catalog: {
      readonly satellites: { list(): Promise<SatelliteRecord[]> };
      readonly groundStations: { list(): Promise<GroundStationRecord[]> };
    },
    opts: DownlinkContactOptions = {},
  ) {
    this.stationMinEl = opts.stationMinElevationDeg ?? 5;
    this.terminalMinEl = opts.terminalMinElevationDeg ?? 10;
    this.cacheEntries = opts.cacheEntries ?? 2000;
  }

  async stationContacts(from: number, to: number): Promise<readonly Contact[]> {
    await this.refreshSatellites();
    const out: Contact[] = [];
    for (const g of await this.catalog.groundStations.list()) {
      if (!g.enabled) continue;
      for (const p of this.passes({ lat: g.lat, lon: g.lon, altM: g.altM }, this.stationMinEl, from, to)) {
        out.push({
          id: `station:${g.id}:${p.satelliteId}:${Math.round(p.start / 1000)}`,
          kind: 'station',
          stationId: g.id,
          satelliteId: p.satelliteId,
          start: p.start,
          end: p.end,
        });
      }
    }
    return out;
  }

  async terminalContacts(
    terminal: { readonly location?: GeoPoint },
    from: number,
    to: number,
  ): Promise<readonly Contact[]> {
    if (!terminal.location) return [];
    if (this.satsKey === '') await this.refreshSatellites();
    return this.passes(terminal.location, this.terminalMinEl, from, to).map((p) => ({
      id: `terminal:${p.satelliteId}:${Math.round(p.start / 1000)}`,
      kind: 'terminal' as const,
      satelliteId: p.satelliteId,
      start: p.start,
      end: p.end,
    }));
  }

  /** Passes over a site overlapping [from, to], from the cache of the window's hour buckets. */
  private passes(pos: GeoPoint, minEl: number, from: number, to: number): readonly PassWindow[] {
    if (!(to > from) || this.sats.length === 0) return [];
    const b0 = Math.floor(from / HOUR) * HOUR,
      b1 = Math.ceil(to / HOUR) * HOUR;
    const key = `${pos.lat},${pos.lon},${pos.altM ?? 0}|${minEl}|${b0}|${b1}`;
    let all = this.cache.get(key);
    if (!all) {
      const site = makeSite({ latDeg: pos.lat, lonDeg: pos.lon, altM: pos.altM ?? 0 });
      all = findPassesForAll(this.sats, {
        site,
        start: b0 - LEAD_MS,
        end: b1 + LEAD_MS,
        minElevationDeg: minEl,
        toleranceMs: 100,
      })
        // Whole milliseconds, inward: the window stored and compared is never wider than the pass.
        .map((p) => ({ satelliteId: String(p.satellite.noradId), start: Math.ceil(p.aos), end: Math.floor(p.los) }));
      this.cache.set(key, all);
      if (this.cache.size > this.cacheEntries) this.cache.delete(this.cache.keys().next().value!);
    }
    return all.filter((p) => p.end > from && p.start < to);
  }

  /** Re-reads the constellation; rebuilds the propagators and drops the cache when it changed. */
  private async refreshSatellites(): Promise<void> {
    const records = await this.catalog.satellites.list();
    const key = records.map((r) => `${r.noradId}:${r.updatedAt}:${r.epoch}`).join(',');
    if (key === this.satsKey) return;
    this.satsKey = key;
    this.cache.clear();
    this.sats = satellitesOf(records);
  }
}

interface PassWindow {
  readonly satelliteId: string;
  readonly start: number;
  readonly end: number;
}
