import type { AuditActor, AuditOutcome, AuditTarget } from './audit-log.js';
import type { Page } from './page.js';

/** Hash functions the audit chain may use (both 256-bit; SM3 is GB/T 32905-2016). */
export type AuditHashAlg = 'sha256' | 'sm3';

/** One record of the audit chain as stored: the entry, its place in the chain and its hash. */
export interface AuditRecord {
  /** 1, 2, 3, … without gaps: assigned by the writer under the chain's lock. */
  readonly seq: number;
  /** Unix milliseconds. */
  readonly at: number;
  readonly actor: AuditActor;
  readonly action: string;
  readonly target?: AuditTarget;
  readonly outcome: AuditOutcome;
  /** JSON-safe; never secrets (see audit-log.ts). */
  readonly details?: Record<string, unknown>;
  readonly sourceIp?: string;
  /** The tenant the record concerns (the target's, else the actor's), for tenant-scoped listings. */
  readonly tenantId?: string;
  readonly alg: AuditHashAlg;
  /** hex of H(previous record's hash ‖ canonical(this record without its hash)). */
  readonly hash: string;
}

/** A signed statement "the chain's record `seq` has hash `hash`", made at `at`. */
export interface AuditCheckpoint {
  readonly seq: number;
  readonly hash: string;
  readonly at: number;
  /** Which signing key (hex SHA-256 of its raw public key, first 16 digits). */
  readonly keyId: string;
  /** 'ed25519' */
  readonly sigAlg: string;
  /** base64 */
  readonly signature: string;
}

/** The chain's end: the last record's seq and hash (seq 0 and 64 zeros before the first record). */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditQuery {
  readonly tenantId?: string;
  /** [from, to) on `at`, Unix ms. */
  readonly from?: number;
  readonly to?: number;
  /** Exact action, or a prefix ending in '.' ('terminal.'). */
  readonly action?: string;
  readonly outcome?: AuditOutcome;
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * The audit chain's storage. Appends run under one lock per database (SQLite's write lock; a
 * `FOR UPDATE` on the head row in PostgreSQL), so several writers — threads, processes, core nodes
 * — never fork the chain: each reads the head and writes its records in the same transaction.
 */
export interface AuditStore {
  /**
   * In one write transaction: reads the head, calls `build(head)` (synchronously, under the lock)
   * and stores the records and checkpoint it returns; records must continue the head (seq + 1, …).
   * Resolves with the new head.
   */
  appendChained(
    build: (head: AuditHead) => { records: readonly AuditRecord[]; checkpoint?: AuditCheckpoint },
  ): Promise<AuditHead>;
  head(): Promise<AuditHead>;
  /** Records with seq in [fromSeq, fromSeq + limit), ascending (the verifier's read). */
  range(fromSeq: number, limit: number): Promise<AuditRecord[]>;
  /** The first and last seq of records with `at` in [from, to) (undefined when none). */
  seqRange(from: number, to: number): Promise<{ first: number; last: number } | undefined>;
  /** The smallest stored seq (undefined when there are no records). */
  firstSeq(): Promise<number | undefined>;
  /** Checkpoints ascending by seq, with seq in [fromSeq, toSeq]. */
  checkpoints(fromSeq?: number, toSeq?: number): Promise<AuditCheckpoint[]>;
  /** The newest checkpoint signed before `at` (retention picks its prune point with it). */
  lastCheckpointBefore(at: number): Promise<AuditCheckpoint | undefined>;
  /** Newest first. */
  list(q: AuditQuery): Promise<Page<AuditRecord>>;
  /**
   * Deletes records with seq ≤ `seq` and checkpoints with seq < `seq` (the checkpoint at `seq`
   * stays: it anchors the first kept record). Returns the number of records deleted.
   */
  prune(seq: number): Promise<number>;
}

/**
 * What the edges get of the audit chain: listing, exports and verification read it; only the audit
 * log appends (under the chain's lock) and only its retention prunes.
 */
export type AuditReader = Pick<AuditStore, 'head' | 'range' | 'seqRange' | 'checkpoints' | 'list'>;
