import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../core/provisioning.js';
import { KeyVault, VAULT_CIPHERS, type VaultCipher } from '../core/key-vault.js';
import { SatiotError } from '../errors/satiot-error.js';

/**
 * The operator key: `SATIOT_ADMIN_KEY` when set (nothing stored), else generated on the first start,
 * printed once, and only its SHA-256 kept in `<data>/admin-key.sha256`. Returns the hash and, on
 * first start, the new key to print.
 */
export function resolveAdminKey(dataDir: string, env = process.env): { hash: string; generated?: string } {
  if (env.SATIOT_ADMIN_KEY) return { hash: sha256Hex(env.SATIOT_ADMIN_KEY) };
  let generated: string | undefined;
  const hash = dataDirSecret(dataDir, 'admin-key.sha256', () => {
    generated = `sat_${randomBytes(24).toString('base64url')}`;
    return `${sha256Hex(generated)}\n`;
  }).trim();
  return { hash, ...(generated ? { generated } : {}) };
}

/**
 * The text of a secret file in the data directory, written by `make()` with mode 0600 (the
 * directory created too) when it does not exist yet: the first start's keys.
 */
export function dataDirSecret(dataDir: string, name: string, make: () => string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(dataDir, { recursive: true });
  const text = make();
  writeFileSync(file, text, { mode: 0o600 });
  return text;
}

/**
 * The master key that seals terminal keys, identity numbers and integration secrets:
 * `SATIOT_MASTER_KEY` (64 hex digits) when set — required when several nodes share one PostgreSQL —
 * else `<data>/master.key`, created on the first start with mode 0600. Losing it makes the stored
 * secrets unreadable: back it up. During a rotation the previous keys come from
 * `SATIOT_MASTER_KEY_PREVIOUS` (comma-separated) or `<data>/master.key.previous` (one per line);
 * `SATIOT_MASTER_KEY_CIPHER=sm4` seals new values with SM4 + HMAC-SM3 instead of AES-256-GCM.
 */
export function resolveMasterKey(dataDir: string, env = process.env): KeyVault {
  const cipher = parseVaultCipher(env.SATIOT_MASTER_KEY_CIPHER);
  if (env.SATIOT_MASTER_KEY)
    return KeyVault.fromHex(
      env.SATIOT_MASTER_KEY,
      env.SATIOT_MASTER_KEY_PREVIOUS ? [env.SATIOT_MASTER_KEY_PREVIOUS] : [],
      cipher,
    );
  const key = dataDirSecret(dataDir, 'master.key', () => `${randomBytes(32).toString('hex')}\n`);
  const prev = join(dataDir, 'master.key.previous');
  return KeyVault.fromHex(key, existsSync(prev) ? [readFileSync(prev, 'utf8')] : [], cipher);
}

function parseVaultCipher(s: string | undefined): VaultCipher | undefined {
  if (s === undefined || s === '') return undefined;
  if (!(VAULT_CIPHERS as readonly string[]).includes(s))
    throw new SatiotError('INVALID_ARGUMENT', `SATIOT_MASTER_KEY_CIPHER must be one of ${VAULT_CIPHERS.join(', ')}`);
  return s as VaultCipher;
}

/**
 * Rotates the file-held master key of `<data>`: a new random key becomes `master.key`, the old one
 * goes first into `master.key.previous` (both mode 0600; the new key is written before the old file
 * is replaced, so a crash leaves one readable state). Returns the key ids, never a key.
 */
export function rotateMasterKeyFile(dataDir: string): { oldKeyId: string; newKeyId: string; previousKeyIds: string[] } {
  const file = join(dataDir, 'master.key'),
    prevFile = join(dataDir, 'master.key.previous');
  if (!existsSync(file))
    throw new SatiotError(
      'FILE_NOT_READABLE',
      `no ${file}: this deployment's key comes from SATIOT_MASTER_KEY (rotate it in your secret store), or ` +
        `the server never started with --data ${dataDir}`,
    );
  const old = readFileSync(file, 'utf8').trim();
  const oldVault = KeyVault.fromHex(old);
  const previous = existsSync(prevFile)
    ? readFileSync(prevFile, 'utf8')
        .split(/[\s,]+/)
        .filter((x) => x !== '')
    : [];
  const next = randomBytes(32).toString('hex');
  writeFileSync(prevFile, `${[old, ...previous.filter((p) => p.toLowerCase() !== old.toLowerCase())].join('\n')}\n`, {
    mode: 0o600,
  });
  writeFileSync(`${file}.new`, `${next}\n`, { mode: 0o600 });
  renameSync(`${file}.new`, file);
  const vault = KeyVault.fromHex(next, [readFileSync(prevFile, 'utf8')]);
  return { oldKeyId: oldVault.keyId, newKeyId: vault.keyId, previousKeyIds: vault.keyIds.slice(1) };
}
