import type { MessageRecord } from './model.js';

/** Pattern of every terminal's uplinks. */
export const UPLINK_SUBJECTS = 'satiot.up.>';

/** Subject of a terminal's uplinks: partitioned by terminal so one terminal's messages keep their order. */
export function uplinkSubject(m: Pick<MessageRecord, 'tenantId' | 'devEui'>): string {
  return `satiot.up.${m.tenantId}.${m.devEui}`;
}

/** The `uplink` event published after a message is durable (JSON, payload base64). */
export function uplinkEvent(m: MessageRecord): Uint8Array {
  return Buffer.from(JSON.stringify({
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
  }));
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
}

/** Parses an `uplink` event; undefined for anything else (another kind, or not the expected shape). */
export function parseUplinkEvent(data: Uint8Array): UplinkEventData | undefined {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (e === null || typeof e !== 'object' || e['kind'] !== 'uplink') return undefined;
  const { messageId, tenantId, devEui, fCnt, fPort, payload, capturedAt } = e;
  if (typeof messageId !== 'string' || typeof tenantId !== 'string' || typeof devEui !== 'string' || typeof fCnt !== 'number'
    || (fPort !== null && typeof fPort !== 'number') || typeof payload !== 'string' || typeof capturedAt !== 'string') return undefined;
  const at = Date.parse(capturedAt);
  if (!Number.isFinite(at)) return undefined;
  return { messageId, tenantId, devEui, fCnt, fPort: fPort as number | null, payload: new Uint8Array(Buffer.from(payload, 'base64')), capturedAt: at };
}
