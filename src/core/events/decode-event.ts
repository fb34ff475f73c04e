import type { BusMessage } from '../ports/bus.js';
import { eventIdOf } from './event-id.js';
import { parseTerminalSubject, SUBJECT_PREFIX, type TerminalEventKind } from './subjects.js';
import { uplinkEventData, type UplinkEventData } from './uplink-event.js';
import type { DecodedEvent } from './decoded-event.js';
import type { AlarmEvent, DownlinkRequestEvent } from './alarm-event.js';
import type { DownlinkEvent } from './downlink-event.js';
import { rejectionEventData, type RejectionEvent } from './rejection-event.js';
import { receptionSummaryData, type ReceptionSummaryEvent } from './reception-summary-event.js';
import { isRegistryEntity, type RegistryEvent } from './registry-event.js';
import type { AnomalyEvent } from './anomaly-event.js';

interface Envelope<T extends string, B> {
  readonly type: T;
  /** The event id (eventIdOf). */
  readonly id: string;
  readonly subject: string;
  /** The event's JSON exactly as published. */
  readonly json: string;
  readonly body: B;
}

interface TerminalEnvelope<T extends TerminalEventKind, B> extends Envelope<T, B> {
  readonly tenantId: string;
  readonly devEui: string;
  readonly partition: number;
}

/** Every event on the bus, by type. */
export type SatiotEvent =
  | TerminalEnvelope<'uplink', UplinkEventData>
  | TerminalEnvelope<'decoded', DecodedEvent>
  | TerminalEnvelope<'alarm', AlarmEvent>
  | TerminalEnvelope<'downlink', DownlinkEvent>
  | TerminalEnvelope<'downlink-request', DownlinkRequestEvent>
  | Envelope<'rejected', RejectionEvent>
  | Envelope<'received', ReceptionSummaryEvent>
  | Envelope<'anomaly', AnomalyEvent>
  | Envelope<'registry', RegistryEvent>;

export type EventType = SatiotEvent['type'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The `kind` field each type's JSON carries. */
const KIND_OF: Readonly<Record<EventType, string | undefined>> = {
  uplink: 'uplink',
  decoded: 'decoded',
  alarm: 'alarm',
  downlink: 'downlink',
  'downlink-request': 'downlink-request',
  rejected: 'rejected',
  received: 'received',
  anomaly: undefined,
  registry: 'registry',
};

/**
 * The one decoder of bus events: subject and bytes to a typed event, or undefined for anything that
 * is not one of satiot's events in the expected shape (a consumer skips it: redelivering would not
 * help). The subject decides the type; the JSON must agree with it.
 */
export function decodeEvent(m: BusMessage): SatiotEvent | undefined {
  const json = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isObject(body)) return undefined;
  const base = { id: eventIdOf(m), subject: m.subject, json };
  const t = parseTerminalSubject(m.subject);
  if (t) {
    if (body['kind'] !== KIND_OF[t.kind]) return undefined;
    const where = { tenantId: t.tenantId, devEui: t.devEui, partition: t.partition };
    switch (t.kind) {
      case 'uplink': {
        const up = uplinkEventData(body);
        return up && { type: 'uplink', ...base, ...where, body: up };
      }
      case 'decoded':
        return typeof body['messageId'] === 'string'
          ? { type: 'decoded', ...base, ...where, body: body as unknown as DecodedEvent }
          : undefined;
      case 'alarm':
        return typeof body['action'] === 'string'
          ? { type: 'alarm', ...base, ...where, body: body as unknown as AlarmEvent }
          : undefined;
      case 'downlink':
        return typeof body['action'] === 'string'
          ? { type: 'downlink', ...base, ...where, body: body as unknown as DownlinkEvent }
          : undefined;
      case 'downlink-request':
        return typeof body['alarmId'] === 'string' && typeof body['devEui'] === 'string'
          ? { type: 'downlink-request', ...base, ...where, body: body as unknown as DownlinkRequestEvent }
          : undefined;
    }
  }
  const tokens = m.subject.split('.');
  if (tokens.length !== 3 || tokens[0] !== SUBJECT_PREFIX) return undefined;
  switch (tokens[1]) {
    case 'rejected': {
      const e = rejectionEventData(body);
      return e && { type: 'rejected', ...base, body: e };
    }
    case 'received': {
      const e = receptionSummaryData(body);
      return e && { type: 'received', ...base, body: e };
    }
    case 'anomaly':
      return typeof body['id'] === 'string' && typeof body['kind'] === 'string' && isObject(body['subject'])
        ? { type: 'anomaly', ...base, body: body as unknown as AnomalyEvent }
        : undefined;
    case 'registry':
      return body['kind'] === 'registry' &&
        isRegistryEntity(body['entity']) &&
        typeof body['node'] === 'string' &&
        (body['keys'] === undefined ||
          (Array.isArray(body['keys']) && body['keys'].every((k) => typeof k === 'string')))
        ? { type: 'registry', ...base, body: body as unknown as RegistryEvent }
        : undefined;
    default:
      return undefined;
  }
}
