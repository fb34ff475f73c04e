import type { BusMessage } from '../ports/bus.js';
import { decodeEvent } from '../events/decode-event.js';

/** The events applications can receive, by the name webhooks and filters use. */
export const EVENT_KINDS = ['uplink', 'decoded', 'alarm', 'downlink'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export function isEventKind(s: unknown): s is EventKind {
  return typeof s === 'string' && (EVENT_KINDS as readonly string[]).includes(s);
}

/** A bus event an application may receive. */
export interface DeliveryEvent {
  readonly kind: EventKind;
  readonly tenantId: string;
  readonly devEui: string;
  readonly subject: string;
  /** The event JSON exactly as published: what a webhook signs and posts, a stream sends, MQTT publishes. */
  readonly json: string;
  /** The message an uplink or decoded event is about (for its deliveredAt); null for other kinds. */
  readonly messageId: string | null;
  /**
   * Stable across redeliveries of one event: the publisher's de-duplication id, else a SHA-256 of
   * subject and bytes. Delivery ids derive from it, so a redelivered event is not queued twice.
   */
  readonly key: string;
}

/**
 * Reads a bus message as a deliverable event; undefined for any other subject, for bytes that are
 * not a JSON object, and for a `kind` that disagrees with the subject (nothing to deliver, and
 * redelivering would not help).
 */
export function parseDeliveryEvent(m: BusMessage): DeliveryEvent | undefined {
  const e = decodeEvent(m);
  if (!e || !isEventKind(e.type)) return undefined;
  if (e.type !== 'uplink' && e.type !== 'decoded' && e.type !== 'alarm' && e.type !== 'downlink') return undefined;
  const messageId = e.type === 'uplink' || e.type === 'decoded' ? e.body.messageId : null;
  return {
    kind: e.type,
    tenantId: e.tenantId,
    devEui: e.devEui,
    subject: e.subject,
    json: e.json,
    messageId,
    key: e.id,
  };
}
