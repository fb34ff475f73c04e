/**
 * A message's id, derived from what identifies it — the terminal and its uplink counter (the 32-bit
 * FCnt, plus upEpoch × 2³² once an operator reset the terminal's counters) —
 * so that every copy of a frame (other satellites, other stations, a station re-posting after a
 * timeout) maps to the same id without a lookup, and inserts are idempotent.
 */
export function messageIdOf(terminalId: string, fCnt32: number): string {
  return `${terminalId}.${fCnt32}`;
}
