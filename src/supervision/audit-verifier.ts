import type { AuditBreak } from './audit-break.js';
import type { AuditCheckpoint, AuditHead, AuditReader, AuditRecord } from '../core/ports/audit-store.js';
import { GENESIS_HASH } from '../core/ports/audit-store.js';
import { chainHash, isAuditHashAlg } from './audit-chain.js';
import type { AuditVerifierKey } from './audit-signer.js';
import {
  CadenceCheck,
  DEFAULT_CADENCE_TOLERANCE_MS,
  DEFAULT_CHECKPOINT_EVERY,
  DEFAULT_CHECKPOINT_INTERVAL_MS,
} from './audit-cadence.js';
import { keyWarning, trustOf, type AuditKeySource, type TrustedAuditKey } from './audit-trust.js';

/** How long records are kept by default before retention may prune them (180 days), ms. */
export const DEFAULT_AUDIT_RETENTION_MS = 180 * 86_400_000;

export type { AuditBreak };

export interface AuditVerification {
  readonly ok: boolean;
  readonly records: number;
  readonly firstSeq?: number;
  readonly lastSeq?: number;
  /** Checkpoints whose signature and hash were checked. */
  readonly checkpointsVerified: number;
  /** Checkpoints that could not be checked (no public key given). */
  readonly checkpointsUnchecked: number;
  /** Records after the last verified checkpoint: chained, but not yet covered by a signature. */
  readonly unsignedTail: number;
  readonly broken?: AuditBreak;
  /** Where the trusted key came from: only `pinned` holds against someone who controls the data. */
  readonly keySource: AuditKeySource;
  /** Set unless the key was pinned: what the verification does not prove. */
  readonly warning?: string;
}

/** What a verification holds the chain to besides its arithmetic. */
export interface AuditVerifyPolicy {
  /** Unix ms: the newest records count as unsigned as of now. */
  readonly now: number;
  /** The writer's checkpoint cadence (default 1,000 records or 10 minutes, 5 minutes' slack). */
  readonly checkpointEvery?: number;
  readonly checkpointIntervalMs?: number;
  readonly toleranceMs?: number;
  /**
   * When set, a chain that starts after record 1 (records were removed) holds only if the signed
   * checkpoint anchoring it was made before now − retentionMs: retention pruned them. Unset for an
   * export, whose start is the start of its range.
   */
  readonly retentionMs?: number;
}

export interface AuditChainSource {
  /** Ascending by seq. */
  readonly records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>;
  /** Ascending by seq. */
  readonly checkpoints: readonly AuditCheckpoint[];
  /** The stored head, when verifying a whole store (it exposes truncation of the newest records). */
  readonly head?: AuditHead;
  /**
   * The hash preceding the first record: genesis when the first is seq 1; otherwise it must be a
   * checkpoint's (signed) hash at firstSeq − 1, or given here by an extract (then only the
   * checkpoints inside the extract vouch for it).
   */
  readonly anchor?: { readonly seq: number; readonly hash: string };
}

/**
 * Walks the chain once: every record's hash recomputed from its predecessor's, seqs contiguous,
 * every checkpoint's signature checked against `key` and its hash against the record it names,
 * the head against the last record; with a key, also the checkpoint cadence (audit-cadence.ts) and,
 * with `policy.retentionMs`, that a removed prefix was old enough to prune. Stops at the first break.
 * A bare key counts as pinned; the report warns about any other.
 */
export async function verifyAuditChain(
  src: AuditChainSource,
  trusted: AuditVerifierKey | TrustedAuditKey | undefined,
  policy: AuditVerifyPolicy = { now: Date.now() },
): Promise<AuditVerification> {
  const trust = trustOf(trusted);
  const key = trust?.key;
  const warning = keyWarning(trust);
  const cps = new Map(src.checkpoints.map((c) => [c.seq, c]));
  // Without a key nothing is signed, and a log without a signer makes no checkpoints: no cadence to hold.
  const cadence = key
    ? new CadenceCheck({
        every: policy.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY,
        intervalMs: policy.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
        toleranceMs: policy.toleranceMs ?? DEFAULT_CADENCE_TOLERANCE_MS,
      })
    : undefined;
  /** A break when the signed anchor at `cp` is too young for retention to have removed the records before it. */
  const prunedTooSoon = (seq: number, cp: AuditCheckpoint): AuditBreak | undefined => {
    if (policy.retentionMs === undefined || cp.at <= policy.now - policy.retentionMs) return undefined;
    const days = Math.round(policy.retentionMs / 86_400_000);
    return {
      seq,
      reason: 'prune-unproven',
      message:
        `records up to ${cp.seq} were removed, but the checkpoint anchoring what is left was signed at ` +
        `${new Date(cp.at).toISOString()}, less than the retention (${days} days) ago: retention did not ` +
        `remove them`,
    };
  };
  let verified = 0;
  let unchecked = 0;
  let lastVerifiedSeq = 0;
  let count = 0;
  let firstSeq: number | undefined;
  let prevSeq: number | undefined;
  let prevHash: string | undefined;

  const result = (broken?: AuditBreak): AuditVerification => ({
    ok: broken === undefined,
    records: count,
    ...(firstSeq !== undefined ? { firstSeq } : {}),
    ...(prevSeq !== undefined ? { lastSeq: prevSeq } : {}),
    checkpointsVerified: verified,
    checkpointsUnchecked: unchecked,
    unsignedTail: prevSeq !== undefined ? Math.max(0, prevSeq - Math.max(lastVerifiedSeq, (firstSeq ?? 1) - 1)) : 0,
    ...(broken ? { broken } : {}),
    keySource: trust?.source ?? 'none',
    ...(warning !== undefined ? { warning } : {}),
  });
  /** Checks the checkpoint at `seq` (if any) against `hash`; a break or undefined. */
  const checkpointAt = (seq: number, hash: string): AuditBreak | undefined => {
    const c = cps.get(seq);
    if (!c) return undefined;
    if (!key) {
      unchecked++;
    } else if (!key.verify(c)) {
      return {
        seq,
        reason: 'checkpoint-signature',
        message: `the checkpoint at record ${seq} has no valid signature by key ${key.keyId}`,
      };
    } else {
      verified++;
    }
    if (c.hash !== hash)
      return {
        seq,
        reason: 'checkpoint-mismatch',
        message: `record ${seq} does not have the hash its signed checkpoint holds`,
        expected: c.hash,
        found: hash,
      };
    if (key) lastVerifiedSeq = seq;
    const late = cadence?.close(c.at);
    if (late) return late;
    cadence?.anchor(seq, c.at);
    return undefined;
  };

  for await (const r of src.records) {
    if (firstSeq === undefined) {
      firstSeq = r.seq;
      if (r.seq === 1) {
        prevHash = GENESIS_HASH;
      } else {
        const anchor = src.anchor?.seq === r.seq - 1 ? src.anchor : undefined;
        const cp = cps.get(r.seq - 1);
        if (cp) {
          const b = checkpointAt(r.seq - 1, cp.hash) ?? prunedTooSoon(r.seq, cp);
          if (b) return result(b);
          prevHash = cp.hash;
        } else if (anchor) {
          prevHash = anchor.hash;
          cadence?.anchor(anchor.seq, undefined);
        } else {
          return result({
            seq: r.seq,
            reason: 'no-anchor',
            message:
              `the first record is ${r.seq} and no signed checkpoint at ${r.seq - 1} anchors it (records ` +
              `before it were removed)`,
          });
        }
      }
      prevSeq = r.seq - 1;
    }
    const want = (prevSeq ?? 0) + 1;
    if (r.seq > want)
      return result({
        seq: want,
        reason: 'record-missing',
        message: `record ${want} is missing (the next one is ${r.seq})`,
      });
    if (r.seq < want)
      return result({
        seq: r.seq,
        reason: 'unexpected-record',
        message: `record ${r.seq} appears again or out of order after ${prevSeq}`,
      });
    if (!isAuditHashAlg(r.alg))
      return result({
        seq: r.seq,
        reason: 'bad-record',
        message: `record ${r.seq} names an unknown hash '${String(r.alg)}'`,
      });
    let expected: string;
    try {
      expected = chainHash(prevHash ?? GENESIS_HASH, r);
    } catch {
      return result({ seq: r.seq, reason: 'bad-record', message: `record ${r.seq} cannot be hashed` });
    }
    if (expected !== r.hash) {
      return result({
        seq: r.seq,
        reason: 'hash-mismatch',
        message: `record ${r.seq}'s hash does not follow from its content and the previous record`,
        expected,
        found: r.hash,
      });
    }
    count++;
    prevSeq = r.seq;
    prevHash = r.hash;
    const b = cadence?.record(r.seq, r.at) ?? checkpointAt(r.seq, r.hash);
    if (b) return result(b);
  }

  // Checkpoints beyond the last record: records were removed from the end.
  const lastSeq = prevSeq ?? src.head?.seq ?? 0;
  const beyond = src.checkpoints.find((c) => c.seq > lastSeq);
  if (beyond && (src.head !== undefined || firstSeq !== undefined)) {
    return result({
      seq: lastSeq + 1,
      reason: 'record-missing',
      message: `a checkpoint names record ${beyond.seq}, but the chain ends at ${lastSeq}`,
    });
  }
  if (src.head) {
    if (firstSeq === undefined && src.head.seq > 0) {
      const cp = cps.get(src.head.seq);
      if (!cp || src.head.hash !== cp.hash) {
        return result({
          seq: src.head.seq,
          reason: 'head-mismatch',
          message: `the chain's head is record ${src.head.seq}, but no record is stored`,
        });
      }
      const b = checkpointAt(cp.seq, cp.hash) ?? prunedTooSoon(cp.seq, cp);
      if (b) return result(b);
    } else if (prevSeq !== undefined && (src.head.seq !== prevSeq || src.head.hash !== prevHash)) {
      const missing = src.head.seq > prevSeq;
      return result({
        seq: missing ? prevSeq + 1 : prevSeq,
        reason: missing ? 'record-missing' : 'head-mismatch',
        message: missing
          ? `the chain's head is record ${src.head.seq}, but records end at ${prevSeq}`
          : `the chain's head (${src.head.seq}) does not match the last record (${prevSeq})`,
        expected: src.head.hash,
        ...(prevHash !== undefined ? { found: prevHash } : {}),
      });
    }
  }
  const late = count > 0 ? cadence?.close(policy.now, true) : undefined;
  return result(late);
}

/** Pages through a store's records in seq order (for the verifier and exports), up to `toSeq` when given. */
export async function* storedRecords(
  store: AuditReader,
  fromSeq = 0,
  pageSize = 2000,
  toSeq = Infinity,
): AsyncGenerator<AuditRecord> {
  let next = fromSeq;
  for (;;) {
    const page = await store.range(next, pageSize);
    for (const r of page) {
      if (r.seq > toSeq) return;
      yield r;
    }
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) return;
    next = last.seq + 1;
  }
}

/**
 * Verifies everything a store holds, as of the moment it starts: checkpoints are read first, then
 * the head, then the records up to that head, so appends made while it runs (a live service writes
 * all the time) are neither checked nor mistaken for a broken chain. Records missing before the first
 * stored one must have been pruned: `policy.retentionMs` defaults to 180 days.
 */
export async function verifyStoredChain(
  store: AuditReader,
  key: AuditVerifierKey | TrustedAuditKey | undefined,
  policy: AuditVerifyPolicy = { now: Date.now() },
): Promise<AuditVerification> {
  const checkpoints = await store.checkpoints();
  const head = await store.head();
  const v = await verifyAuditChain({ records: storedRecords(store, 0, 2000, head.seq), checkpoints, head }, key, {
    ...policy,
    retentionMs: policy.retentionMs ?? DEFAULT_AUDIT_RETENTION_MS,
  });
  if (!v.ok) return v;
  // A record past the head is legitimate only if the head has moved over it since (an append
  // writes both in one transaction); one the head never covers was slipped in behind the chain.
  const [beyond] = await store.range(head.seq + 1, 1);
  if (beyond && (await store.head()).seq < beyond.seq) {
    return {
      ...v,
      ok: false,
      broken: {
        seq: beyond.seq,
        reason: 'head-mismatch',
        message: `record ${beyond.seq} lies past the chain's head (${head.seq})`,
      },
    };
  }
  return v;
}
