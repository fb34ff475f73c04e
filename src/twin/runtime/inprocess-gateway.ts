import type { Core } from '../../core/core.js';
import type { GroundStationRecord } from '../../core/model.js';
import type { UplinkFrameInput } from '../../core/ingest-pipeline.js';
import type { StatusUpdate } from '../../core/downlink-service.js';
import type { TwinGateway, TwinScheduleItem } from './twin-gateway.js';

/** The gateway contract as direct core calls: what the HTTP routes do after authenticating the station. */
export class InProcessGateway implements TwinGateway {
  constructor(
    private readonly core: Core,
    private readonly stations: readonly GroundStationRecord[],
  ) {}

  postUplinks(station: number, frames: readonly UplinkFrameInput[]) {
    return this.core.pipeline.ingest(this.stations[station]!, frames);
  }

  async schedule(station: number, from: number, to: number): Promise<TwinScheduleItem[]> {
    const items = await this.core.downlinks.stationSchedule(this.stations[station]!.id, from, to);
    return items.map((i) => ({
      downlinkId: i.downlinkId,
      satelliteId: i.satelliteId,
      contactStart: i.contactStart,
      contactEnd: i.contactEnd,
      priority: i.priority,
    }));
  }

  async reportStatus(station: number, updates: readonly StatusUpdate[]): Promise<void> {
    await this.core.downlinks.reportStatus(this.stations[station]!.id, updates);
  }
}
