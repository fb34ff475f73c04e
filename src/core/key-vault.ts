import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SatiotError } from '../errors/satiot-error.js';

/**
 * Seals secrets (terminal session keys) under the master key with AES-256-GCM: a sealed value is
 * `v1.<iv>.<tag>.<ciphertext>` (base64url), authenticated together with a context string (the
 * terminal id and key name) so a sealed key cannot be moved to another terminal.
 */
export class KeyVault {
  private readonly key: Buffer;

  constructor(masterKey: Uint8Array) {
    if (masterKey.length !== 32) throw new SatiotError('INVALID_ARGUMENT', 'the master key must be 32 bytes (64 hex digits)');
    this.key = Buffer.from(masterKey);
  }

  static fromHex(hex: string): KeyVault {
    if (!/^[0-9a-fA-F]{64}$/.test(hex.trim())) throw new SatiotError('INVALID_ARGUMENT', 'SATIOT_MASTER_KEY must be 64 hex digits (32 bytes)');
    return new KeyVault(Buffer.from(hex.trim(), 'hex'));
  }

  seal(plain: Uint8Array, context: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([c.update(plain), c.final()]);
    return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): Uint8Array {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new SatiotError('INTERNAL', 'a sealed key has an unknown format');
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      d.setAAD(Buffer.from(context, 'utf8'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return new Uint8Array(Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]));
    } catch {
      throw new SatiotError('INTERNAL', 'a sealed key does not open with this master key (wrong SATIOT_MASTER_KEY?)');
    }
  }
}
