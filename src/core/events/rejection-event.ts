import type { RejectionCode } from './model.js';

/** Pattern of every station's security-relevant rejections. */
export const REJECTION_SUBJECTS = 'satiot.rejected.>';

/**
 * Rejections worth a supervisor's eye: a forged or replayed frame, or one from a terminal that may
 * not send. Malformed frames and unknown DevAddrs (other networks' traffic) are only counted.
 */
export const SECURITY_REJECTIONS: ReadonlySet<RejectionCode> = new Set<RejectionCode>(['BAD_MIC', 'REPLAYED_COUNTER', 'TERMINAL_NOT_APPROVED', 'TERMINAL_DISABLED']);

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

export function rejectionSubject(stationId: string): string {
  return `satiot.rejected.${stationId}`;
}

export function rejectionEvent(e: RejectionEvent): Uint8Array {
  return Buffer.from(JSON.stringify(e));
}

/** Parses a rejection event; undefined for anything else. */
export function parseRejectionEvent(data: Uint8Array): RejectionEvent | undefined {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (e === null || typeof e !== 'object' || e['kind'] !== 'rejected') return undefined;
  const ok = typeof e['code'] === 'string' && typeof e['stationId'] === 'string' && typeof e['satelliteId'] === 'string' && typeof e['devAddr'] === 'string'
    && typeof e['capturedAt'] === 'number' && typeof e['downlinkedAt'] === 'number' && typeof e['receivedAt'] === 'number';
  return ok ? e as unknown as RejectionEvent : undefined;
}
