import { createHash } from 'node:crypto';
import type { BusMessage } from '../ports/bus.js';

/** The events applications can receive, by the name webhooks and filters use. */
export const EVENT_KINDS = ['uplink', 'decoded', 'alarm', 'downlink'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export function isEventKind(s: unknown): s is EventKind {
  return typeof s === 'string' && (EVENT_KINDS as readonly string[]).includes(s);
}

/**
 * Every deliverable event is on `satiot.<token>.<tenantId>.<devEui>` (one subject per terminal, so a
 * terminal's events keep their order); the consumers take everything and keep what parses.
 */
export const DELIVERY_SUBJECTS = 'satiot.>';

/** The subject token of each kind (uplinks are `satiot.up.…`, see uplink-event.ts). */
const KIND_BY_TOKEN: Readonly<Record<string, EventKind>> = { up: 'uplink', decoded: 'decoded', alarm: 'alarm', downlink: 'downlink' };

/** A pattern for one tenant's events of every kind (other `satiot.*` events of the tenant parse to nothing). */
export function tenantEventsPattern(tenantId: string): string {
  return `satiot.*.${tenantId}.*`;
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
  const tokens = m.subject.split('.');
  if (tokens.length !== 4 || tokens[0] !== 'satiot') return undefined;
  const kind = KIND_BY_TOKEN[tokens[1]!];
  if (!kind) return undefined;
  const json = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object' || (body as Record<string, unknown>)['kind'] !== kind) return undefined;
  const messageId = (body as Record<string, unknown>)['messageId'];
  return {
    kind, tenantId: tokens[2]!, devEui: tokens[3]!, subject: m.subject, json,
    messageId: (kind === 'uplink' || kind === 'decoded') && typeof messageId === 'string' ? messageId : null,
    key: m.msgId ?? createHash('sha256').update(m.subject).update('\n').update(m.data).digest('base64url'),
  };
}
