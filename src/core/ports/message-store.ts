import type { MessageDecode, MessageWithReceptions, ReportedPosition } from '../model.js';
import type { Page, UsageRow } from './page.js';

export interface MessageQuery {
  readonly terminalId: string;
  /** Page size, 1..1000. */
  readonly limit: number;
  readonly cursor?: string;
  /** Inclusive capturedAt range, ms. */
  readonly from?: number;
  readonly to?: number;
  readonly fPort?: number;
}

/**
 * Uplink messages with their receptions, decodes and reported positions. Messages are written by
 * Store.commitIngest (one transaction with their receptions and counters); the rest is here.
 */
export interface MessageStore {
  /** `ingestedAt` of stored messages among `ids` (the dedup window's look-back). */
  ingestedAt(ids: readonly string[]): Promise<Map<string, number>>;
  get(id: string): Promise<MessageWithReceptions | undefined>;
  /** Newest first (by capturedAt, then counter, highest first). */
  list(q: MessageQuery): Promise<Page<MessageWithReceptions>>;
  /**
   * Records (or replaces: a redelivered decode writes the same outcome again) a message's decode;
   * MESSAGE_NOT_FOUND when there is no such message.
   */
  saveDecode(d: MessageDecode): Promise<void>;
  /**
   * Records many decodes in a few statements (a decoder's batch); returns the ids of the messages
   * that are not stored (deleted with their terminal), whose decodes were not written.
   */
  saveDecodes(ds: readonly MessageDecode[]): Promise<string[]>;
  /**
   * Stores where another network placed the terminal for each message (one per message: a second
   * write replaces the first); the ids of messages that do not exist.
   */
  saveReportedPositions(
    ps: ReadonlyArray<{ readonly messageId: string; readonly position: ReportedPosition }>,
  ): Promise<string[]>;
  /**
   * Uplink usage per terminal and UTC day of ingest, in [from, to): messages and payload bytes.
   * One tenant's terminals, or one terminal, or all.
   */
  uplinkUsage(q: { tenantId?: string; terminalId?: string; from: number; to: number }): Promise<UsageRow[]>;
}
