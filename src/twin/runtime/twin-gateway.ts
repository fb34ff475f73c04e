import type { FrameResult, UplinkFrameInput } from '../../core/ingest-pipeline.js';
import type { StatusUpdate } from '../../core/downlink-service.js';

/** One entry of a station's upload schedule (times Unix ms, payload base64). */
export interface TwinScheduleItem {
  readonly downlinkId: string;
  readonly satelliteId: string;
  readonly contactStart: number;
  readonly contactEnd: number;
  readonly priority: string;
}

/**
 * What a ground station does with the core: hand in frames, fetch its upload schedule, report
 * uploads and transmissions. Two implementations: over HTTP (exactly what a real station sends)
 * and in-process (the same core calls without sockets, for batch runs and the benchmark).
 */
export interface TwinGateway {
  postUplinks(
    station: number,
    frames: readonly UplinkFrameInput[],
  ): Promise<ReadonlyArray<Pick<FrameResult, 'status'>>>;
  schedule(station: number, from: number, to: number): Promise<TwinScheduleItem[]>;
  reportStatus(station: number, updates: readonly StatusUpdate[]): Promise<void>;
}

/** One copy a terrestrial gateway heard: the frame's bytes, when, how strong, on which channel. */
export interface TerrestrialCopy {
  readonly phyPayload: Uint8Array;
  readonly at: number;
  readonly rssiDbm: number;
  readonly snrDb: number;
  readonly channel: number;
}

/** What the scenario's terrestrial gateways do with the core: forward what they hear (Semtech UDP). */
export interface TwinTerrestrial {
  /** Forwards gateway `gateway`'s copies; per copy, whether the core acknowledged it (durable). */
  push(gateway: number, copies: readonly TerrestrialCopy[]): Promise<boolean[]>;
  close(): Promise<void>;
}
