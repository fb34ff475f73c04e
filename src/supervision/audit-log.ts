import type { AuditEntryInput, AuditLog } from '../core/ports/audit-log.js';
import type { AuditCheckpoint, AuditHashAlg, AuditHead, AuditRecord, AuditStore } from '../core/ports/audit-store.js';
import type { Clock } from '../core/ports/clock.js';
import { chainHash } from './audit-chain.js';
import { redactSecrets } from './audit-secrets.js';
import type { AuditSigner, AuditVerifierKey } from './audit-signer.js';
import type { TrustedAuditKey } from './audit-trust.js';
import { DEFAULT_CHECKPOINT_EVERY, DEFAULT_CHECKPOINT_INTERVAL_MS } from './audit-cadence.js';

export interface ChainedAuditLogOptions {
  readonly clock: Clock;
  /** Hash of the chain (default 'sha256'); records carry theirs, so a change applies from the next record on. */
  readonly alg?: AuditHashAlg;
  /** Signs checkpoints; without one no checkpoints are made (and pruning is impossible). */
  readonly signer?: AuditSigner;
  /** A checkpoint after this many records (default 1,000)… */
  readonly checkpointEvery?: number;
  /** …or once this long has passed since the last one with records since (default 10 minutes), ms. */
  readonly checkpointIntervalMs?: number;
  /** Records older than this many days may be pruned (default 180: six months and then some). */
  readonly retentionDays?: number;
  /** The key verification trusts (a pinned public key); default the signer's own, reported as unpinned. */
  readonly trust?: TrustedAuditKey;
}

interface Pending {
  readonly entry: AuditEntryInput;
  readonly done: (e?: unknown) => void;
}

/**
 * Largest group of entries written in one transaction: a bulk registration's 100,000 records cost
 * 50 commits, and a group holds SQLite's connection for tens of milliseconds at most.
 */
const MAX_GROUP = 2_000;

/**
 * The audit log as a hash chain in the store. Appends queue in memory and are written by one
 * writer per process in groups (one transaction each, group commit); the store's lock serialises
 * writers of several processes, and each group is chained on the head it reads under that lock.
 * A signed checkpoint is added in the same transaction every `checkpointEvery` records or
 * `checkpointIntervalMs`.
 */
export class ChainedAuditLog implements AuditLog {
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private lastCheckpoint: { seq: number; at: number } | undefined;
  readonly alg: AuditHashAlg;
  readonly retentionDays: number;
  /** The cadence this writer keeps, which verification holds its chain to. */
  readonly checkpointEvery: number;
  readonly checkpointIntervalMs: number;

  constructor(
    private readonly store: AuditStore,
    private readonly opts: ChainedAuditLogOptions,
  ) {
    this.alg = opts.alg ?? 'sha256';
    this.checkpointEvery = opts.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    this.checkpointIntervalMs = opts.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    this.retentionDays = opts.retentionDays ?? 180;
  }

  /** The key that verifies this log's checkpoints (undefined without a signer). */
  get verifierKey(): AuditVerifierKey | undefined {
    return this.opts.trust?.key ?? this.opts.signer;
  }

  /** The key verification trusts and where it came from (undefined without a signer or a pinned key). */
  get trust(): TrustedAuditKey | undefined {
    return this.opts.trust ?? (this.opts.signer ? { key: this.opts.signer, source: 'signer' } : undefined);
  }

  /** The store the chain lives in (for verification and exports). */
  get records(): AuditStore {
    return this.store;
  }

  append(entry: AuditEntryInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, done: (e) => (e === undefined ? resolve() : reject(e)) });
      this.writing ??= this.drain();
    });
  }

  /** Resolves once everything appended so far is written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Signs a checkpoint at the head now if records came since the last one; returns it. */
  async checkpoint(): Promise<AuditCheckpoint | undefined> {
    await this.flush();
    const signer = this.opts.signer;
    if (!signer) return undefined;
    await this.loadLastCheckpoint();
    let made: AuditCheckpoint | undefined;
    await this.store.appendChained((head) => {
      if (head.seq === 0 || head.seq === this.lastCheckpoint?.seq) return { records: [] };
      made = signer.sign(head.seq, head.hash, this.opts.clock.now());
      return { records: [], checkpoint: made };
    });
    if (made) this.lastCheckpoint = { seq: made.seq, at: made.at };
    return made;
  }

  /**
   * Deletes records older than the retention, down to the newest checkpoint signed before the
   * cut-off: that checkpoint stays and anchors the first kept record, so the rest still verifies.
   */
  async prune(): Promise<{ deleted: number; anchorSeq?: number }> {
    const cutoff = this.opts.clock.now() - this.retentionDays * 86_400_000;
    const cp = await this.store.lastCheckpointBefore(cutoff);
    if (!cp) return { deleted: 0 };
    return { deleted: await this.store.prune(cp.seq), anchorSeq: cp.seq };
  }

  private async loadLastCheckpoint(): Promise<void> {
    if (this.lastCheckpoint) return;
    const cps = await this.store.checkpoints(0);
    const last = cps[cps.length - 1];
    this.lastCheckpoint = last ? { seq: last.seq, at: last.at } : { seq: 0, at: this.opts.clock.now() };
  }

  private async drain(): Promise<void> {
    // Let the appends of the current tick join the first group.
    await Promise.resolve();
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_GROUP);
        let written = 0;
        try {
          await this.loadLastCheckpoint();
          while (written < group.length) {
            const n = await this.writeGroup(group.slice(written).map((p) => p.entry));
            for (const p of group.slice(written, written + n)) p.done();
            written += n;
          }
        } catch (e) {
          for (const p of group.slice(written)) p.done(e);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /**
   * Writes the first entries in one transaction and returns how many: a group stops where a
   * checkpoint falls due, so no more than `checkpointEvery` records ever go unsigned.
   */
  private async writeGroup(entries: readonly AuditEntryInput[]): Promise<number> {
    const now = this.opts.clock.now();
    let made: AuditCheckpoint | undefined;
    let taken = entries.length;
    await this.store.appendChained((head: AuditHead) => {
      const records: AuditRecord[] = [];
      let prev = head.hash;
      const cp0 = this.lastCheckpoint;
      taken =
        this.opts.signer && cp0
          ? Math.min(entries.length, Math.max(1, this.checkpointEvery - (head.seq - cp0.seq)))
          : entries.length;
      entries.slice(0, taken).forEach((e, i) => {
        const r = this.recordOf(e, head.seq + 1 + i, now);
        const hash = chainHash(prev, r);
        records.push({ ...r, hash });
        prev = hash;
      });
      made = undefined;
      const last = records[records.length - 1];
      const cp = this.lastCheckpoint;
      if (
        this.opts.signer &&
        last &&
        cp &&
        (last.seq - cp.seq >= this.checkpointEvery || now - cp.at >= this.checkpointIntervalMs)
      ) {
        made = this.opts.signer.sign(last.seq, last.hash, now);
      }
      return made ? { records, checkpoint: made } : { records };
    });
    if (made) this.lastCheckpoint = { seq: made.seq, at: made.at };
    return taken;
  }

  private recordOf(e: AuditEntryInput, seq: number, now: number): Omit<AuditRecord, 'hash'> {
    const details =
      e.details === undefined ? undefined : (jsonSafe(redactSecrets(e.details)) as Record<string, unknown>);
    const tenantId = e.target?.tenantId ?? e.actor.tenantId;
    return {
      seq,
      at: e.at !== undefined && Number.isFinite(e.at) ? Math.round(e.at) : now,
      actor: clean({ kind: e.actor.kind, id: e.actor.id, role: e.actor.role, tenantId: e.actor.tenantId }),
      action: String(e.action).slice(0, 200),
      ...(e.target ? { target: clean({ kind: e.target.kind, id: e.target.id, tenantId: e.target.tenantId }) } : {}),
      outcome: e.outcome,
      ...(details !== undefined ? { details } : {}),
      ...(e.sourceIp !== undefined ? { sourceIp: e.sourceIp } : {}),
      ...(tenantId !== undefined ? { tenantId } : {}),
      alg: this.alg,
    };
  }
}

/** Exactly what reading the stored JSON back gives (undefined dropped, dates as strings…). */
function jsonSafe(v: unknown): unknown {
  const s = JSON.stringify(v);
  return s === undefined ? {} : JSON.parse(s);
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
