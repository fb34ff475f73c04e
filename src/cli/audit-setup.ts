import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dataDirSecret } from './secrets.js';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Store } from '../core/ports/store.js';
import type { Clock } from '../core/ports/clock.js';
import type { AuditHashAlg } from '../core/ports/audit-store.js';
import { SatiotError } from '../errors/satiot-error.js';
import { ChainedAuditLog } from '../supervision/audit-log.js';
import { AuditSigner, AuditVerifierKey } from '../supervision/audit-signer.js';
import { isAuditHashAlg } from '../supervision/audit-chain.js';
import type { TrustedAuditKey } from '../supervision/audit-trust.js';
import { anomalyPolicy, DEFAULT_ANOMALY_POLICY, type AnomalyPolicy } from '../supervision/anomaly-policy.js';
import { MONITORED_ANOMALY_KINDS } from '../core/ports/anomaly-store.js';

const KEY_FILE = 'audit-signing.key';
const PUB_FILE = 'audit-signing.pub';

/**
 * The checkpoint signing key: `SATIOT_AUDIT_SIGNING_KEY` (a PKCS#8 PEM Ed25519 private key; the
 * same on every node sharing one PostgreSQL) when set, else `<data>/audit-signing.key`, created on
 * the first start with mode 0600; its public half is written beside it (`audit-signing.pub`) for
 * inspectors to pin.
 */
export function resolveAuditSigner(dataDir: string, env = process.env): AuditSigner {
  const fromEnv = env.SATIOT_AUDIT_SIGNING_KEY;
  if (fromEnv) return parseSigner(fromEnv.replace(/\\n/g, '\n'), 'SATIOT_AUDIT_SIGNING_KEY');
  let made: AuditSigner | undefined;
  const pem = dataDirSecret(dataDir, KEY_FILE, () => (made = AuditSigner.generate()).privatePem());
  if (made) {
    writeFileSync(join(dataDir, PUB_FILE), made.publicPem(), { mode: 0o644 });
    return made;
  }
  return parseSigner(pem, join(dataDir, KEY_FILE));
}

/**
 * The signing key when one exists, never made here (for a command that appends, such as
 * `satiot audit export`, to sign what it wrote): `SATIOT_AUDIT_SIGNING_KEY`, else `<data>/audit-signing.key`.
 */
export function existingAuditSigner(dataDir: string, env = process.env): AuditSigner | undefined {
  if (env.SATIOT_AUDIT_SIGNING_KEY)
    return parseSigner(env.SATIOT_AUDIT_SIGNING_KEY.replace(/\\n/g, '\n'), 'SATIOT_AUDIT_SIGNING_KEY');
  const file = join(dataDir, KEY_FILE);
  return existsSync(file) ? parseSigner(readFileSync(file, 'utf8'), file) : undefined;
}

/**
 * The key a verifier trusts and where it came from: the public key file pinned with `--public-key`
 * (or `SATIOT_AUDIT_PUBLIC_KEY`) when given, else the signing key's public half (environment, then
 * the data directory: unpinned, and the report says so); undefined when there is none. A pinned
 * file inside the data directory counts as the data directory's.
 */
export function resolveAuditVerifierKey(
  dataDir: string,
  publicKeyFile: string | undefined,
  env = process.env,
): TrustedAuditKey | undefined {
  const pinned = publicKeyFile ?? (env.SATIOT_AUDIT_PUBLIC_KEY || undefined);
  if (pinned !== undefined) {
    const key = readPublicKey(pinned);
    return insideDir(dataDir, pinned)
      ? { key, source: 'data-dir', where: pinned }
      : { key, source: 'pinned', where: pinned };
  }
  if (env.SATIOT_AUDIT_SIGNING_KEY)
    return {
      key: parseSigner(env.SATIOT_AUDIT_SIGNING_KEY.replace(/\\n/g, '\n'), 'SATIOT_AUDIT_SIGNING_KEY'),
      source: 'environment',
      where: 'SATIOT_AUDIT_SIGNING_KEY',
    };
  const pub = join(dataDir, PUB_FILE);
  if (existsSync(pub)) return { key: readPublicKey(pub), source: 'data-dir', where: pub };
  const file = join(dataDir, KEY_FILE);
  return existsSync(file)
    ? { key: parseSigner(readFileSync(file, 'utf8'), file), source: 'data-dir', where: file }
    : undefined;
}

/** `SATIOT_AUDIT_RETENTION_DAYS` (default 180): how long audit records are kept before retention prunes them. */
export function auditRetentionDays(env = process.env): number {
  const days = env.SATIOT_AUDIT_RETENTION_DAYS !== undefined ? Number(env.SATIOT_AUDIT_RETENTION_DAYS) : 180;
  if (!Number.isFinite(days) || days < 1)
    throw new SatiotError('INVALID_ARGUMENT', 'SATIOT_AUDIT_RETENTION_DAYS is a number of days, at least 1');
  return days;
}

/**
 * The audit log a server writes: hash from `SATIOT_AUDIT_HASH` (sha256 | sm3), retention from
 * `SATIOT_AUDIT_RETENTION_DAYS` (180), verification trusting the public key pinned with
 * `publicKeyFile` (`--audit-public-key`) or `SATIOT_AUDIT_PUBLIC_KEY`, else the signing key (unpinned).
 * A pinned key that is not the signing key's public half stops the start: every checkpoint would fail.
 */
export function createAuditLog(
  store: Store,
  dataDir: string,
  clock: Clock,
  env = process.env,
  publicKeyFile?: string,
): ChainedAuditLog {
  const alg = auditHashAlg(env);
  const retentionDays = auditRetentionDays(env);
  const signer = resolveAuditSigner(dataDir, env);
  const trust = resolveAuditVerifierKey(dataDir, publicKeyFile, env) ?? {
    key: signer,
    source: 'data-dir',
    where: join(dataDir, KEY_FILE),
  };
  if (trust.key.keyId !== signer.keyId) {
    throw new SatiotError(
      'INVALID_ARGUMENT',
      `the audit public key ${trust.where ?? ''} (key ${trust.key.keyId}) is not the signing key's ` +
        `(${signer.keyId}): every checkpoint would fail verification; set the matching ` +
        `SATIOT_AUDIT_SIGNING_KEY or pin its public half`,
    );
  }
  return new ChainedAuditLog(store.audit, { clock, alg, signer, retentionDays, trust });
}

function readPublicKey(file: string): AuditVerifierKey {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    throw new SatiotError('FILE_NOT_READABLE', `cannot read ${file}`);
  }
  try {
    return AuditVerifierKey.fromPem(pem);
  } catch {
    throw new SatiotError('INVALID_ARGUMENT', `${file} is not an Ed25519 public key (PEM)`);
  }
}

function insideDir(dir: string, file: string): boolean {
  const rel = relative(resolve(dir), resolve(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The chain's hash: `SATIOT_AUDIT_HASH` (sha256 | sm3; default sha256). */
export function auditHashAlg(env = process.env): AuditHashAlg {
  const alg = env.SATIOT_AUDIT_HASH ?? 'sha256';
  if (!isAuditHashAlg(alg)) throw new SatiotError('INVALID_ARGUMENT', 'SATIOT_AUDIT_HASH is sha256 or sm3');
  return alg;
}

function parseSigner(pem: string, where: string): AuditSigner {
  try {
    return AuditSigner.fromPrivatePem(pem);
  } catch {
    throw new SatiotError('INVALID_ARGUMENT', `${where} is not an Ed25519 private key (PKCS#8 PEM)`);
  }
}

/**
 * The anomaly policy: the defaults (src/supervision/anomaly-policy.ts) with the overrides of the JSON
 * file `SATIOT_ANOMALY_POLICY` names, e.g. `{"mic-failures": {"response": "suspend", "threshold": 10}}`.
 */
export function resolveAnomalyPolicy(env = process.env): AnomalyPolicy {
  const file = env.SATIOT_ANOMALY_POLICY;
  if (!file) return anomalyPolicy();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new SatiotError('FILE_NOT_READABLE', `SATIOT_ANOMALY_POLICY: cannot read ${file} as JSON`);
  }
  return checkedAnomalyPolicy(parsed);
}

/** Overrides checked kind by kind: known kinds and fields, responses record | alert | suspend, positive numbers. */
export function checkedAnomalyPolicy(o: unknown): AnomalyPolicy {
  const bad = (why: string) => new SatiotError('INVALID_ARGUMENT', `anomaly policy: ${why}`);
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw bad('must be a JSON object');
  for (const [kind, v] of Object.entries(o as Record<string, unknown>)) {
    if (kind === 'cooldownMs') {
      if (typeof v !== 'number' || !(v >= 0)) throw bad('cooldownMs must be a number ≥ 0');
      continue;
    }
    if (!(MONITORED_ANOMALY_KINDS as readonly string[]).includes(kind))
      throw bad(`unknown kind '${kind}' (one of ${MONITORED_ANOMALY_KINDS.join(', ')})`);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(`${kind} must be an object`);
    const defaults = (DEFAULT_ANOMALY_POLICY as unknown as Record<string, Record<string, unknown>>)[kind]!;
    for (const [field, x] of Object.entries(v as Record<string, unknown>)) {
      if (!(field in defaults)) throw bad(`${kind}.${field} is not a setting (${Object.keys(defaults).join(', ')})`);
      if (field === 'response') {
        if (x !== 'record' && x !== 'alert' && x !== 'suspend')
          throw bad(`${kind}.response is record, alert or suspend`);
      } else if (field === 'maxSpeedKmh') {
        if (x === null || typeof x !== 'object' || Object.values(x).some((n) => typeof n !== 'number' || !(n >= 0)))
          throw bad(`${kind}.maxSpeedKmh maps profiles to km/h`);
      } else if (typeof x !== 'number' || !Number.isFinite(x) || (field !== 'minElevationDeg' && x < 0)) {
        throw bad(`${kind}.${field} must be a number${field !== 'minElevationDeg' ? ' ≥ 0' : ''}`);
      }
    }
  }
  const withSpeeds = o as Record<string, Record<string, unknown>>;
  const movement = withSpeeds['impossible-movement'];
  const merged = anomalyPolicy(o as Parameters<typeof anomalyPolicy>[0]);
  if (movement?.maxSpeedKmh) {
    return {
      ...merged,
      'impossible-movement': {
        ...merged['impossible-movement'],
        maxSpeedKmh: {
          ...DEFAULT_ANOMALY_POLICY['impossible-movement'].maxSpeedKmh,
          ...(movement.maxSpeedKmh as object),
        },
      },
    };
  }
  return merged;
}
