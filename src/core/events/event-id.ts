import { createHash } from 'node:crypto';
import type { BusMessage } from '../ports/bus.js';

/**
 * The id of a bus event: its publisher's de-duplication id (the outbox event id, `Nats-Msg-Id`),
 * else a digest of subject and bytes — stable across redeliveries either way, so consumers can
 * remember what they handled by it.
 */
export function eventIdOf(m: BusMessage): string {
  return m.msgId ?? `sha256:${createHash('sha256').update(m.subject).update('\n').update(m.data).digest('base64url')}`;
}
