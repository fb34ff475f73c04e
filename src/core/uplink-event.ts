import type { MessageRecord } from './model.js';

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
