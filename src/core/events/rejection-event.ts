import type { RejectionCode } from '../model.js';
import { eventJsonObject } from './event-json.js';

/**
 * Rejections worth a supervisor's eye: a forged or replayed frame, or one from a terminal that may
 * not send. Malformed frames and unknown DevAddrs (other networks' traffic) are only counted.
 */
export const SECURITY_REJECTIONS: ReadonlySet<RejectionCode> = new Set<RejectionCode>([
  'BAD_MIC',
  'REPLAYED_COUNTER',
  'TERMINAL_NOT_APPROVED',
  'TERMINAL_DISABLED',
]);

/** What the pipeline knows about a rejected frame once its header is parsed. */
export interface RejectionContext {
  readonly stationId: string;
  readonly satelliteId: string;
  readonly capturedAt: number;
  readonly downlinkedAt: number;
  readonly devAddr: string;
  /** Known when the frame's MIC or DevAddr names one terminal. */
  readonly devEui?: string;
  readonly tenantId?: string;
  /** The rebuilt 32-bit counter, when the MIC verified. */
  readonly fCnt?: number;
}

export interface RejectionEvent extends RejectionContext {
  readonly kind: 'rejected';
  readonly code: RejectionCode;
  /** When the core decided, Unix ms. */
  readonly receivedAt: number;
}

export function rejectionEvent(e: RejectionEvent): Uint8Array {
  return Buffer.from(JSON.stringify(e));
}

/** Parses a rejection event; undefined for anything else. */
export function parseRejectionEvent(data: Uint8Array): RejectionEvent | undefined {
  const e = eventJsonObject(data);
  return e && rejectionEventData(e);
}

/** A rejection event's parsed JSON as data; undefined when it is not one. */
export function rejectionEventData(e: Record<string, unknown>): RejectionEvent | undefined {
  if (e['kind'] !== 'rejected') return undefined;
  const ok =
    typeof e['code'] === 'string' &&
    typeof e['stationId'] === 'string' &&
    typeof e['satelliteId'] === 'string' &&
    typeof e['devAddr'] === 'string' &&
    typeof e['capturedAt'] === 'number' &&
    typeof e['downlinkedAt'] === 'number' &&
    typeof e['receivedAt'] === 'number';
  return ok ? (e as unknown as RejectionEvent) : undefined;
}
