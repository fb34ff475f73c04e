import type { MessageRecord } from '../model.js';
import type { OutboxEvent } from '../ports/outbox-store.js';
import { eventJsonObject } from './event-json.js';
import { uplinkSubject } from './subjects.js';

/** The uplink event's id: the message's (one event per stored message). */
export const uplinkEventId = (m: Pick<MessageRecord, 'id'>): string => m.id;

/**
 * The first copy's path: the ground station (or terrestrial gateway's row) and the satellite ('' for a gateway's copy).
 */
export interface UplinkVia {
  readonly stationId: string;
  readonly satelliteId: string;
}

/**
 * The `uplink` event published after a message is durable (JSON, payload base64), with its first copy's path when
 * known.
 */
export function uplinkEvent(m: MessageRecord, via?: UplinkVia): Uint8Array {
  return Buffer.from(
    JSON.stringify({
      kind: 'uplink',
      messageId: m.id,
      tenantId: m.tenantId,
      devEui: m.devEui,
      fCnt: m.fCnt,
      fPort: m.fPort,
      payload: Buffer.from(m.payload).toString('base64'),
      confirmed: m.confirmed,
      ack: m.ack,
      capturedAt: new Date(m.capturedAt).toISOString(),
      downlinkedAt: new Date(m.downlinkedAt).toISOString(),
      ingestedAt: new Date(m.ingestedAt).toISOString(),
      ...(via ? { via: { stationId: via.stationId, satelliteId: via.satelliteId } } : {}),
    }),
  );
}

/** A stored message's `uplink` event as the outbox holds it (IngestWrite.uplinkEvents). */
export function uplinkOutboxEvent(m: MessageRecord, via?: UplinkVia): OutboxEvent {
  return { id: uplinkEventId(m), subject: uplinkSubject(m), data: uplinkEvent(m, via) };
}

/** What a consumer reads back from an `uplink` event (times in ms, payload as bytes). */
export interface UplinkEventData {
  readonly messageId: string;
  readonly tenantId: string;
  readonly devEui: string;
  readonly fCnt: number;
  readonly fPort: number | null;
  readonly payload: Uint8Array;
  readonly capturedAt: number;
  /** The frame's ACK bit: it acknowledges the terminal's last confirmed downlink. */
  readonly ack: boolean;
}

/** Parses an `uplink` event; undefined for anything else (another kind, or not the expected shape). */
export function parseUplinkEvent(data: Uint8Array): UplinkEventData | undefined {
  const e = eventJsonObject(data);
  return e && uplinkEventData(e);
}

/** An `uplink` event's parsed JSON as data; undefined when it is not one. */
export function uplinkEventData(e: Record<string, unknown>): UplinkEventData | undefined {
  if (e['kind'] !== 'uplink') return undefined;
  const { messageId, tenantId, devEui, fCnt, fPort, payload, capturedAt, ack } = e;
  if (
    typeof messageId !== 'string' ||
    typeof tenantId !== 'string' ||
    typeof devEui !== 'string' ||
    typeof fCnt !== 'number' ||
    (fPort !== null && typeof fPort !== 'number') ||
    typeof payload !== 'string' ||
    typeof capturedAt !== 'string'
  )
    return undefined;
  const at = Date.parse(capturedAt);
  if (!Number.isFinite(at)) return undefined;
  return {
    messageId,
    tenantId,
    devEui,
    fCnt,
    fPort: fPort as number | null,
    payload: new Uint8Array(Buffer.from(payload, 'base64')),
    capturedAt: at,
    ack: ack === true,
  };
}
