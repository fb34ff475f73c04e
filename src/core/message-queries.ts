import type { TrackPoint } from '../solutions/logistics/track.js';
import type { GeoPoint, MessageWithReceptions, RejectionCode } from './model.js';
import type { MessageQuery } from './ports/message-store.js';
import type { TrafficHours } from './ports/traffic-store.js';
import type { Page, Store, UsageRow } from './ports/store.js';
import { terminalTrack } from './terminal-track.js';
import { fieldSeries, type FieldSeries } from './field-series.js';
import type { SatelliteCatalog } from './satellite-records.js';

/** Whose usage, over which ingest (uplinks) or queuing (downlinks) time range [from, to). */
interface UsageScope {
  readonly tenantId?: string;
  readonly terminalId?: string;
  readonly from: number;
  readonly to: number;
}

/**
 * Read-only view of stored traffic for the edges: messages, rejections, usage and tracks. Messages
 * are written only by the ingest pipeline and decodes only by the decoder (each with its outbox
 * events), so the edges get this view and never the store.
 */
export class MessageQueries {
  constructor(
    private readonly store: Store,
    readonly satellites: SatelliteCatalog,
  ) {}

  /** One message with its receptions, by id (the anomaly checks look up a message an event names). */
  getMessage(id: string): Promise<MessageWithReceptions | undefined> {
    return this.store.messages.get(id);
  }

  /** Newest first (by capturedAt, then counter), paged. */
  listMessages(q: MessageQuery): Promise<Page<MessageWithReceptions>> {
    return this.store.messages.list(q);
  }

  /**
   * The network's traffic by UTC hour (hours since 1970, inclusive): copies per station and satellite, rejections per
   * station and code.
   */
  trafficByHour(fromHour: number, toHour: number): Promise<TrafficHours> {
    return this.store.traffic.byHour(fromHour, toHour);
  }

  /** Rejected frames per station and code since the start (supervision and KPIs). */
  rejectionTallies(): Promise<Array<{ stationId: string; code: RejectionCode; count: number }>> {
    return this.store.traffic.rejectionTallies();
  }

  /** Per terminal and UTC day of ingest. */
  uplinkUsage(scope: UsageScope): Promise<UsageRow[]> {
    return this.store.messages.uplinkUsage(scope);
  }

  /** Per terminal and UTC day the downlinks were queued (they are billed when asked for, delivered or not). */
  downlinkUsage(scope: UsageScope): Promise<UsageRow[]> {
    return this.store.downlinks.usage(scope);
  }

  /**
   * A numeric field of a terminal's messages over time (src/core/field-series.ts), bounded: decoded,
   * or one of the network's signals, placed from the terminal's registered position (`location`) and,
   * where the key may see payloads (`reportedPositions`), the positions its messages report.
   */
  fieldSeries(
    terminalId: string,
    field: string,
    range: { from?: number; to?: number },
    place?: { location?: GeoPoint | undefined; reportedPositions: boolean },
  ): Promise<FieldSeries> {
    return fieldSeries(this.store, terminalId, field, range, {
      ...(place?.location ? { location: place.location } : {}),
      reportedPositions: place?.reportedPositions ?? false,
      satellite: (id) => this.satellites.get(id),
    });
  }

  /** A terminal's reported positions (src/core/terminal-track.ts), bounded so a request cannot read without end. */
  track(terminalId: string, range: { from?: number; to?: number }): Promise<TrackPoint[]> {
    return terminalTrack(this.store, terminalId, range);
  }
}
