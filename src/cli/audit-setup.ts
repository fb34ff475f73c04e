import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dataDirSecret } from './secrets.js';
import { join } from 'node:path';
import type { Store } from '../core/ports/store.js';
import type { Clock } from '../core/ports/clock.js';
import type { AuditHashAlg } from '../core/ports/audit-store.js';
import { SatiotError } from '../errors/satiot-error.js';
import { ChainedAuditLog } from '../supervision/audit-log.js';
import { AuditSigner, AuditVerifierKey } from '../supervision/audit-signer.js';
import { isAuditHashAlg } from '../supervision/audit-chain.js';
import { anomalyPolicy, DEFAULT_ANOMALY_POLICY, type AnomalyPolicy } from '../supervision/anomaly-policy.js';
import { ANOMALY_KINDS } from '../core/ports/anomaly-store.js';

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
 * The key a verifier trusts: `--public-key FILE` when given (an inspector pins it), else the
 * signing key's public half (environment, then the data directory); undefined when there is none.
 */
export function resolveAuditVerifierKey(dataDir: string, publicKeyFile: string | undefined, env = process.env): AuditVerifierKey | undefined {
  if (publicKeyFile !== undefined) {
    let pem: string;
    try {
      pem = readFileSync(publicKeyFile, 'utf8');
    } catch {
      throw new SatiotError('FILE_NOT_READABLE', `cannot read ${publicKeyFile}`);
    }
    try {
      return AuditVerifierKey.fromPem(pem);
    } catch {
      throw new SatiotError('INVALID_ARGUMENT', `${publicKeyFile} is not an Ed25519 public key (PEM)`);
    }
  }
  if (env.SATIOT_AUDIT_SIGNING_KEY) return parseSigner(env.SATIOT_AUDIT_SIGNING_KEY.replace(/\\n/g, '\n'), 'SATIOT_AUDIT_SIGNING_KEY');
  const pub = join(dataDir, PUB_FILE);
  if (existsSync(pub)) return AuditVerifierKey.fromPem(readFileSync(pub, 'utf8'));
  const file = join(dataDir, KEY_FILE);
  return existsSync(file) ? parseSigner(readFileSync(file, 'utf8'), file) : undefined;
}

/** The audit log a server writes: hash from `SATIOT_AUDIT_HASH` (sha256 | sm3), retention from `SATIOT_AUDIT_RETENTION_DAYS` (180). */
export function createAuditLog(store: Store, dataDir: string, clock: Clock, env = process.env): ChainedAuditLog {
  const alg = auditHashAlg(env);
  const days = env.SATIOT_AUDIT_RETENTION_DAYS !== undefined ? Number(env.SATIOT_AUDIT_RETENTION_DAYS) : 180;
  if (!Number.isFinite(days) || days < 1) throw new SatiotError('INVALID_ARGUMENT', 'SATIOT_AUDIT_RETENTION_DAYS is a number of days, at least 1');
  return new ChainedAuditLog(store.audit, { clock, alg, signer: resolveAuditSigner(dataDir, env), retentionDays: days });
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
    if (!(ANOMALY_KINDS as readonly string[]).includes(kind)) throw bad(`unknown kind '${kind}' (one of ${ANOMALY_KINDS.join(', ')})`);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(`${kind} must be an object`);
    const defaults = (DEFAULT_ANOMALY_POLICY as unknown as Record<string, Record<string, unknown>>)[kind]!;
    for (const [field, x] of Object.entries(v as Record<string, unknown>)) {
      if (!(field in defaults)) throw bad(`${kind}.${field} is not a setting (${Object.keys(defaults).join(', ')})`);
      if (field === 'response') {
        if (x !== 'record' && x !== 'alert' && x !== 'suspend') throw bad(`${kind}.response is record, alert or suspend`);
      } else if (field === 'maxSpeedKmh') {
        if (x === null || typeof x !== 'object' || Object.values(x).some((n) => typeof n !== 'number' || !(n >= 0))) throw bad(`${kind}.maxSpeedKmh maps profiles to km/h`);
      } else if (typeof x !== 'number' || !Number.isFinite(x) || (field !== 'minElevationDeg' && x < 0)) {
        throw bad(`${kind}.${field} must be a number${field !== 'minElevationDeg' ? ' ≥ 0' : ''}`);
      }
    }
  }
  const withSpeeds = o as Record<string, Record<string, unknown>>;
  const movement = withSpeeds['impossible-movement'];
  const merged = anomalyPolicy(o as Parameters<typeof anomalyPolicy>[0]);
  if (movement?.maxSpeedKmh) {
    return { ...merged, 'impossible-movement': { ...merged['impossible-movement'], maxSpeedKmh: { ...DEFAULT_ANOMALY_POLICY['impossible-movement'].maxSpeedKmh, ...(movement.maxSpeedKmh as object) } } };
  }
  return merged;
}
