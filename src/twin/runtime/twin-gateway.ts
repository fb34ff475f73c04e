import type { FrameResult, UplinkFrameInput } from '../../core/ingest-pipeline.js';
import type { StatusUpdate } from '../../core/downlink-service.js';

/** One entry of a station's upload schedule (times Unix ms, payload base64). */
export interface TwinScheduleItem { readonly downlinkId: string; readonly satelliteId: string; readonly contactStart: number; readonly contactEnd: number; readonly priority: string }

/**
 * What a ground station does with the core: hand in frames, fetch its upload schedule, report
 * uploads and transmissions. Two implementations: over HTTP (exactly what a real station sends)
 * and in-process (the same core calls without sockets, for batch runs and the benchmark).
 */
export interface TwinGateway {
  postUplinks(station: number, frames: readonly UplinkFrameInput[]): Promise<ReadonlyArray<Pick<FrameResult, 'status'>>>;
  schedule(station: number, from: number, to: number): Promise<TwinScheduleItem[]>;
  reportStatus(station: number, updates: readonly StatusUpdate[]): Promise<void>;
}
