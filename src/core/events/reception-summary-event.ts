import type { Reception } from '../model.js';
import { eventJsonObject } from './event-json.js';

/** The satellites one station's accepted frames of one ingest group came from, with their downlink times. */
export interface ReceptionSummaryEvent {
  readonly kind: 'received';
  readonly stationId: string;
  readonly satellites: ReadonlyArray<{
    readonly satelliteId: string;
    readonly firstDownlinkedAt: number;
    readonly lastDownlinkedAt: number;
    readonly frames: number;
  }>;
  readonly receivedAt: number;
}

/** One summary per station of the receptions (first copies and duplicates) a group stored. */
export function summariseReceptions(receptions: readonly Reception[], receivedAt: number): ReceptionSummaryEvent[] {
  const byStation = new Map<
    string,
    Map<string, { satelliteId: string; firstDownlinkedAt: number; lastDownlinkedAt: number; frames: number }>
  >();
  for (const r of receptions) {
    let sats = byStation.get(r.stationId);
    if (!sats) byStation.set(r.stationId, (sats = new Map()));
    const s = sats.get(r.satelliteId);
    if (!s)
      sats.set(r.satelliteId, {
        satelliteId: r.satelliteId,
        firstDownlinkedAt: r.downlinkedAt,
        lastDownlinkedAt: r.downlinkedAt,
        frames: 1,
      });
    else {
      s.firstDownlinkedAt = Math.min(s.firstDownlinkedAt, r.downlinkedAt);
      s.lastDownlinkedAt = Math.max(s.lastDownlinkedAt, r.downlinkedAt);
      s.frames++;
    }
  }
  return [...byStation].map(([stationId, sats]) => ({
    kind: 'received',
    stationId,
    satellites: [...sats.values()],
    receivedAt,
  }));
}

export function parseReceptionSummary(data: Uint8Array): ReceptionSummaryEvent | undefined {
  const e = eventJsonObject(data);
  return e && receptionSummaryData(e);
}

/** A reception summary's parsed JSON as data; undefined when it is not one. */
export function receptionSummaryData(e: Record<string, unknown>): ReceptionSummaryEvent | undefined {
  return e['kind'] === 'received' && typeof e['stationId'] === 'string' && Array.isArray(e['satellites'])
    ? (e as unknown as ReceptionSummaryEvent)
    : undefined;
}
