import type { Page } from './page.js';

/** An event a durable consumer gave up on after its retries (docs/cluster.md). */
export interface DeadLetterRecord {
  /** Derived from consumer and event: the same event failing again updates its record. */
  readonly id: string;
  readonly consumer: string;
  readonly subject: string;
  /** The event's id (its de-duplication id); null for a message that had none. */
  readonly eventId: string | null;
  readonly data: Uint8Array;
  /** Deliveries made before it was given up. */
  readonly attempts: number;
  /** The last failure's message. */
  readonly error: string;
  readonly failedAt: number;
  /** Replays tried by operators, and the last one's time and error (null when it succeeded). */
  readonly replays: number;
  readonly replayedAt: number | null;
  readonly lastReplayError: string | null;
  /** When a replay succeeded: the record stays, as history. */
  readonly resolvedAt: number | null;
}

export interface DeadLetterQuery {
  readonly consumer?: string;
  /** `open`: not resolved yet (default all). */
  readonly state?: 'open' | 'resolved';
  readonly limit: number;
  readonly cursor?: string;
}

/** Dead letters, kept in the store so that they survive restarts and every node sees them. */
export interface DeadLetterStore {
  /** Records a dead letter, or updates the one of the same id (attempts, error, failedAt; reopened). */
  add(d: Omit<DeadLetterRecord, 'replays' | 'replayedAt' | 'lastReplayError' | 'resolvedAt'>): Promise<void>;
  get(id: string): Promise<DeadLetterRecord | undefined>;
  /** Newest failure first. */
  list(q: DeadLetterQuery): Promise<Page<DeadLetterRecord>>;
  /** Records a replay: resolved at `at` when `error` is null, else still open with the error. */
  recordReplay(id: string, at: number, error: string | null): Promise<void>;
  /** Dead letters not yet resolved. */
  countOpen(): Promise<number>;
}
