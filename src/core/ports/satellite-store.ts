import type { SatelliteRecord } from '../model.js';

/** The constellation's element sets, one per satellite. */
export interface SatelliteStore {
  /** Inserts or replaces satellites by catalog number (a newer element set supersedes the old). */
  upsert(sats: readonly SatelliteRecord[]): Promise<void>;
  /** All satellites, by catalog number. */
  list(): Promise<SatelliteRecord[]>;
}
