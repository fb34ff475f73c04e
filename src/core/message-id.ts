/**
 * A message's id, derived from what identifies it — the terminal and its 32-bit uplink counter —
 * so that every copy of a frame (other satellites, other stations, a station re-posting after a
 * timeout) maps to the same id without a lookup, and inserts are idempotent.
 */
export function messageIdOf(terminalId: string, fCnt32: number): string {
  return `${terminalId}.${fCnt32}`;
}
