import type { RejectionCode } from '../model.js';

/** Hourly tallies of the network's traffic (TrafficStore.byHour). */
export interface TrafficHours {
  readonly receptions: ReadonlyArray<{
    readonly hour: number;
    readonly stationId: string;
    readonly satelliteId: string;
    readonly count: number;
  }>;
  readonly rejections: ReadonlyArray<{
    readonly hour: number;
    readonly stationId: string;
    readonly code: RejectionCode;
    readonly count: number;
  }>;
}

/** The network's traffic tallies, written by Store.commitIngest with each batch. */
export interface TrafficStore {
  /** Frames rejected per station and code, since the store began. */
  rejectionTallies(): Promise<Array<{ stationId: string; code: RejectionCode; count: number }>>;
  /**
   * The network's traffic by UTC hour in [fromHour, toHour] (hours since 1970): copies received per
   * ground station and satellite, and frames rejected per station and code (migration 19).
   */
  byHour(fromHour: number, toHour: number): Promise<TrafficHours>;
}
