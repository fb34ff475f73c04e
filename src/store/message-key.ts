import { messageIdOf } from '../core/message-id.js';

/**
 * The store keeps no message id column: a message id is `${terminalId}.${fCnt}` (core/message-id.ts)
 * and the tables key messages by (terminal_seq, f_cnt). These read an id back into its parts.
 */
export interface MessageKey {
  readonly terminalId: string;
  readonly fCnt: number;
}

/** Up to 16 digits: a counter is up to upEpoch × 2³² + 0xffffffff (counter resets, migration 20), at most 2⁵³ − 1. */
const CANONICAL_COUNTER = /^(0|[1-9][0-9]{0,15})$/;

/**
 * The terminal id and counter of a message id (split at the last '.': a terminal id may contain
 * dots), or undefined for a string that no message can have: only the canonical form
 * (`messageIdOf`) maps back, so two strings never name one message.
 */
export function parseMessageId(id: string): MessageKey | undefined {
  const dot = id.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const digits = id.slice(dot + 1);
  if (!CANONICAL_COUNTER.test(digits)) return undefined;
  const fCnt = Number(digits);
  if (fCnt > Number.MAX_SAFE_INTEGER) return undefined;
  return { terminalId: id.slice(0, dot), fCnt };
}

export { messageIdOf };
