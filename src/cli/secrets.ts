import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../core/provisioning.js';
import { KeyVault } from '../core/key-vault.js';

/**
 * The operator key: `SATIOT_ADMIN_KEY` when set (nothing stored), else generated on the first start,
 * printed once, and only its SHA-256 kept in `<data>/admin-key.sha256`. Returns the hash and, on
 * first start, the new key to print.
 */
export function resolveAdminKey(dataDir: string, env = process.env): { hash: string; generated?: string } {
  if (env.SATIOT_ADMIN_KEY) return { hash: sha256Hex(env.SATIOT_ADMIN_KEY) };
  const file = join(dataDir, 'admin-key.sha256');
  if (existsSync(file)) return { hash: readFileSync(file, 'utf8').trim() };
  mkdirSync(dataDir, { recursive: true });
  const key = `sat_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${sha256Hex(key)}\n`, { mode: 0o600 });
  return { hash: sha256Hex(key), generated: key };
}

/**
 * The master key that seals terminal keys: `SATIOT_MASTER_KEY` (64 hex digits) when set — required
 * when several nodes share one PostgreSQL — else `<data>/master.key`, created on the first start
 * with mode 0600. Losing it makes the stored terminal keys unreadable: back it up.
 */
export function resolveMasterKey(dataDir: string, env = process.env): KeyVault {
  if (env.SATIOT_MASTER_KEY) return KeyVault.fromHex(env.SATIOT_MASTER_KEY);
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  }
  return KeyVault.fromHex(readFileSync(file, 'utf8'));
}
