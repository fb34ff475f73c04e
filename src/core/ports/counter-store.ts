import type { TerminalCounters } from '../model.js';

/** Terminals' frame counters (written by Store.commitIngest; read and reset here). */
export interface CounterStore {
  get(terminalId: string): Promise<TerminalCounters | undefined>;
  /** By terminal id. */
  listAll(): Promise<TerminalCounters[]>;
  /**
   * Forgets a terminal's uplink counters (an ABP terminal that counts from 0 again): no counter
   * accepted, upEpoch one higher, version one higher (an ingest decided on the old state conflicts
   * and is decided again); the downlink counter stays. The new state (version −1: the terminal has
   * no counters yet, nothing to reset); undefined when there is no such terminal.
   */
  resetUplink(terminalId: string): Promise<TerminalCounters | undefined>;
}
