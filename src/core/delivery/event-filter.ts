import { SatiotError } from '../../errors/satiot-error.js';
import { EVENT_KINDS, isEventKind, type DeliveryEvent, type EventKind } from './delivery-event.js';

/** Which events a receiver wants: one tenant's, optionally one terminal's, optionally some kinds (all when absent). */
export interface EventFilter {
  readonly tenantId: string;
  /** 16 hex digits, compared case-insensitively. */
  readonly devEui?: string;
  readonly kinds?: readonly EventKind[];
}

export function matchesFilter(f: EventFilter, e: Pick<DeliveryEvent, 'tenantId' | 'devEui' | 'kind'>): boolean {
  if (e.tenantId !== f.tenantId) return false;
  if (f.devEui !== undefined && e.devEui.toLowerCase() !== f.devEui.toLowerCase()) return false;
  return f.kinds === undefined || f.kinds.includes(e.kind);
}

/**
 * Kinds from a list (`["uplink","alarm"]`) or a comma-separated text (`uplink,alarm`); undefined or
 * empty means every kind. Duplicates are dropped; an unknown kind is INVALID_ARGUMENT naming it.
 */
export function parseKinds(input: string | readonly string[] | undefined): EventKind[] | undefined {
  if (input === undefined) return undefined;
  const names = (typeof input === 'string' ? input.split(',') : [...input])
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) return undefined;
  const bad = names.find((n) => !isEventKind(n));
  if (bad !== undefined)
    throw new SatiotError('INVALID_ARGUMENT', `unknown event kind "${bad}"; kinds are ${EVENT_KINDS.join(', ')}`, {
      kind: bad,
    });
  return EVENT_KINDS.filter((k) => names.includes(k));
}
