import type { IngestWrite } from '../core/ports/store.js';
import { SatiotError } from '../errors/satiot-error.js';

/**
 * What both backends check before an ingest transaction: a counter state appears once per
 * terminal (two states derived for one terminal in one batch are a caller bug, not a conflict).
 */
export function checkIngestWrite(w: IngestWrite): void {
  const seen = new Set<string>();
  for (const c of w.counters) {
    if (seen.has(c.state.terminalId)) {
      throw new SatiotError('INVALID_ARGUMENT', `Terminal ${c.state.terminalId} has two counter states in one ingest write.`, { terminalId: c.state.terminalId });
    }
    seen.add(c.state.terminalId);
  }
}
