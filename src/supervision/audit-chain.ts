import { createHash } from 'node:crypto';
import type { AuditHashAlg, AuditRecord } from '../core/ports/audit-store.js';

/**
 * The chain's arithmetic, shared by the writer and the verifier:
 * hash_i = H(bytes(hash_{i-1}) ‖ utf8(canonical(record_i without its hash))), H = SHA-256 or SM3,
 * hash_0 = 32 zero bytes. Canonical JSON: keys sorted at every level, no whitespace, absent fields
 * left out (never `null`), numbers as JavaScript prints them.
 */
export const AUDIT_HASH_ALGS: readonly AuditHashAlg[] = ['sha256', 'sm3'];

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    const s = JSON.stringify(v);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** The fields a record's hash covers: everything but the hash itself. */
export function hashedFields(r: Omit<AuditRecord, 'hash'> | AuditRecord): Record<string, unknown> {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    details: r.details,
    sourceIp: r.sourceIp,
    tenantId: r.tenantId,
    alg: r.alg,
  };
}

export function isAuditHashAlg(s: string): s is AuditHashAlg {
  return (AUDIT_HASH_ALGS as readonly string[]).includes(s);
}

/** hex of H(prevHash ‖ canonical(record)). Throws on a hash that is not 64 hex digits. */
export function chainHash(prevHash: string, r: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  if (!/^[0-9a-f]{64}$/.test(prevHash)) throw new Error('previous hash is not 64 lowercase hex digits');
  return createHash(r.alg)
    .update(Buffer.from(prevHash, 'hex'))
    .update(canonicalJson(hashedFields(r)), 'utf8')
    .digest('hex');
}

/** The bytes a checkpoint signature covers. */
export function checkpointMessage(seq: number, hash: string, at: number): Buffer {
  return Buffer.from(`satiot-audit-checkpoint/1\n${seq}\n${hash}\n${at}`, 'utf8');
}
