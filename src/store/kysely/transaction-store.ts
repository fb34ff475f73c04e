import type { Kysely } from 'kysely';
import type { AuditStore } from '../../core/ports/audit-store.js';
import type { StoreTx } from '../../core/ports/store.js';
import { KyselyStore } from './store.js';
import type { ConstraintViolation, StoreCapabilities } from '../store-capabilities.js';
import type { StoreDatabase } from '../store-schema.js';

/**
 * A store's view inside one of its transactions (`Store.atomically()`): the same queries as the
 * store, run on the transaction's connection, sub-stores and outbox included. What belongs to the
 * store as a whole — migrating, closing, the ingest and audit transactions — is not part of it.
 */
export class TransactionStore extends KyselyStore {
  readonly backend: 'sqlite' | 'postgres';

  constructor(
    trx: Kysely<StoreDatabase>,
    caps: StoreCapabilities,
    private readonly parent: {
      readonly backend: 'sqlite' | 'postgres';
      readonly violation: (e: unknown) => ConstraintViolation | undefined;
    },
  ) {
    super(trx, caps);
    this.backend = parent.backend;
  }

  get audit(): AuditStore {
    throw new Error('the audit log is written outside a store transaction (it serialises its own appends)');
  }

  async migrate(): Promise<void> {
    throw new Error('migrate() is not part of a transaction');
  }

  async close(): Promise<void> {
    throw new Error('close() is not part of a transaction');
  }

  async commitIngest(): Promise<void> {
    throw new Error('commitIngest() is a transaction of its own');
  }

  /** Already in a transaction: nested work joins it. */
  override atomically<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return fn(this);
  }

  protected constraintViolation(e: unknown): ConstraintViolation | undefined {
    return this.parent.violation(e);
  }

  protected transaction<T>(fn: (trx: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    return fn(this.db);
  }

  protected bind(): KyselyStore {
    return this;
  }
}
