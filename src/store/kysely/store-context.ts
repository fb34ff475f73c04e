import type { Kysely } from 'kysely';
import type { ConstraintViolation, StoreCapabilities } from '../store-capabilities.js';
import type { StoreDatabase } from '../store-schema.js';
import { IDS_PER_QUERY } from './batch-sizes.js';

/** What every Kysely repository of one store (or of one of its transactions) shares. */
export interface StoreContext {
  /** The store's Kysely, or the transaction's inside `atomically()`. */
  readonly db: Kysely<StoreDatabase>;
  readonly caps: StoreCapabilities;
  /** Reads a driver error as a constraint violation of the schema, or undefined for anything else. */
  readonly violation: (e: unknown) => ConstraintViolation | undefined;
  readonly keys: SurrogateKeys;
}

/**
 * Terminal id → seq and station id → seq (the integer surrogate keys the other tables reference),
 * filled on create and on demand. Rows are never renumbered, so an entry goes stale only when its
 * row is deleted through this store (then it is dropped); a miss is looked up (another store on the
 * same database may have created the row).
 */
export class SurrogateKeys {
  readonly terminals = new Map<string, number>();
  readonly stations = new Map<string, number>();
  /** Terminals deleted through these keys (a transaction's view reports them to its parent on commit). */
  readonly forgottenTerminals = new Set<string>();

  constructor(private readonly db: Kysely<StoreDatabase>) {}

  /** The seqs of those of `ids` that are terminals: from the cache, the misses in one query per chunk. */
  terminalSeqsOf(ids: Iterable<string>): Promise<Map<string, number>> {
    return this.seqsOf('terminals', this.terminals, ids);
  }

  /** The seqs of those of `ids` that are ground stations (as terminalSeqsOf). */
  stationSeqsOf(ids: Iterable<string>): Promise<Map<string, number>> {
    return this.seqsOf('ground_stations', this.stations, ids);
  }

  /**
   * Takes over what a committed transaction's keys learned (a rolled-back insert's seq may be used again by SQLite).
   */
  adopt(committed: SurrogateKeys): void {
    for (const [id, seq] of committed.terminals) this.terminals.set(id, seq);
    for (const [id, seq] of committed.stations) this.stations.set(id, seq);
    for (const id of committed.forgottenTerminals) this.terminals.delete(id);
  }

  private async seqsOf(
    table: 'terminals' | 'ground_stations',
    cache: Map<string, number>,
    ids: Iterable<string>,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const seq = cache.get(id);
      if (seq !== undefined) out.set(id, seq);
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += IDS_PER_QUERY) {
      const rows = await this.db
        .selectFrom(table)
        .select(['id', 'seq'])
        .where('id', 'in', missing.slice(i, i + IDS_PER_QUERY))
        .execute();
      for (const r of rows) {
        cache.set(r.id, Number(r.seq));
        out.set(r.id, Number(r.seq));
      }
    }
    return out;
  }
}
