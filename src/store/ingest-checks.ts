import type { IngestWrite } from '../core/ports/store.js';
import { SatiotError } from '../errors/satiot-error.js';
import { messageIdOf } from './message-key.js';

/**
 * What both backends check before an ingest transaction: a counter state appears once per
 * terminal (two states derived for one terminal in one batch are a caller bug, not a conflict), and
 * a new message's id is the one derived from its terminal and counter (the store keeps no id: it
 * reads ids back as `${terminalId}.${fCnt}`).
 */
export function checkIngestWrite(w: IngestWrite): void {
  const seen = new Set<string>();
  for (const c of w.counters) {
    if (seen.has(c.state.terminalId)) {
      throw new SatiotError(
        'INVALID_ARGUMENT',
        `Terminal ${c.state.terminalId} has two counter states in one ingest write.`,
        { terminalId: c.state.terminalId },
      );
    }
    seen.add(c.state.terminalId);
  }
  for (const m of w.newMessages) {
    if (m.id !== messageIdOf(m.terminalId, m.fCnt)) {
      throw new SatiotError('INVALID_ARGUMENT', `Message id ${m.id} is not derived from its terminal and counter.`, {
        messageId: m.id,
      });
    }
  }
}
