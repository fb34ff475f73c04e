import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SatiotError } from '../errors/satiot-error.js';

/**
 * How sealed values are encrypted. `aes-256-gcm` (default): AES-256 in GCM, 96-bit IV, 128-bit tag.
 * `sm4`: the commercial-cryptography suite, SM4-CTR then HMAC-SM3 over everything (encrypt-then-MAC):
 * OpenSSL, and so node:crypto, offers SM4 only in the classic modes (no SM4-GCM), and CTR + an
 * HMAC is the standard way to build an AEAD from them. SM4 keys are 128-bit: the encryption and MAC
 * keys are derived from the 256-bit master key with HMAC-SM3 under distinct labels.
 */
export type VaultCipher = 'aes-256-gcm' | 'sm4';
export const VAULT_CIPHERS: readonly VaultCipher[] = ['aes-256-gcm', 'sm4'];

interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
  readonly sm4Enc: Buffer;
  readonly sm4Mac: Buffer;
}

/** A master key's public id: the first 8 hex digits of SHA-256("satiot-master-key" ‖ key). Safe to log. */
export function masterKeyId(key: Uint8Array): string {
  return createHash('sha256').update('satiot-master-key').update(key).digest('hex').slice(0, 8);
}

function masterKey(raw: Uint8Array): MasterKey {
  if (raw.length !== 32) throw new SatiotError('INVALID_ARGUMENT', 'a master key must be 32 bytes (64 hex digits)');
  const key = Buffer.from(raw);
  return {
    id: masterKeyId(key),
    key,
    sm4Enc: createHmac('sm3', key).update('satiot sm4 encryption').digest().subarray(0, 16),
    sm4Mac: createHmac('sm3', key).update('satiot sm4 mac').digest(),
  };
}

function parseHexKey(hex: string, name: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hex.trim()))
    throw new SatiotError('INVALID_ARGUMENT', `${name} must be 64 hex digits (32 bytes)`);
  return Buffer.from(hex.trim(), 'hex');
}

const b64 = (b: Buffer) => b.toString('base64url');

/**
 * IVs from a pool of random bytes refilled 4 KiB at a time: one call into the system's random
 * source per few hundred seals instead of one each (it cost more than the sealing itself when a
 * fleet is registered in bulk). Each refill is a new buffer, so an IV handed out is never rewritten.
 */
class RandomPool {
  private buf = Buffer.alloc(0);
  private pos = 0;

  take(n: number): Buffer {
    if (this.pos + n > this.buf.length) {
      this.buf = randomBytes(4096);
      this.pos = 0;
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
const unb64 = (s: string) => Buffer.from(s, 'base64url');

/**
 * Seals secrets (terminal session keys, owners' identity numbers, integration secrets) under the
 * master key, authenticated together with a context string (the owner's id and the field) so a
 * sealed value cannot be moved to another row.
 *
 * A vault holds the current master key and any previous ones: it seals under the current key and
 * opens under whichever key a value names, so a deployment rotates without downtime (give every
 * node both keys, re-wrap every stored value — src/core/key-rotation.ts — then drop the old key).
 *
 * Formats (base64url fields): `v2.<key id>.<a|s>.<iv>.<tag>.<ciphertext>` (`a`: AES-256-GCM, `s`:
 * SM4-CTR + HMAC-SM3); the original `v1.<iv>.<tag>.<ciphertext>` (AES-256-GCM, no key id) is still
 * opened, trying each key.
 */
export class KeyVault {
  private readonly current: MasterKey;
  private readonly keys = new Map<string, MasterKey>();
  private readonly ivs = new RandomPool();
  readonly cipher: VaultCipher;

  constructor(key: Uint8Array, opts: { previous?: readonly Uint8Array[]; cipher?: VaultCipher } = {}) {
    this.current = masterKey(key);
    this.keys.set(this.current.id, this.current);
    for (const p of opts.previous ?? []) {
      const k = masterKey(p);
      if (!this.keys.has(k.id)) this.keys.set(k.id, k);
    }
    this.cipher = opts.cipher ?? 'aes-256-gcm';
    if (!VAULT_CIPHERS.includes(this.cipher))
      throw new SatiotError('INVALID_ARGUMENT', `the vault cipher must be one of ${VAULT_CIPHERS.join(', ')}`);
  }

  /** `previousHex`: older master keys still accepted for opening (comma- or space-separated when one string). */
  static fromHex(hex: string, previousHex: readonly string[] = [], cipher?: VaultCipher): KeyVault {
    const previous = previousHex
      .flatMap((p) => p.split(/[\s,]+/))
      .filter((p) => p !== '')
      .map((p) => parseHexKey(p, 'SATIOT_MASTER_KEY_PREVIOUS'));
    return new KeyVault(parseHexKey(hex, 'SATIOT_MASTER_KEY'), { previous, ...(cipher ? { cipher } : {}) });
  }

  /** The current master key's id (what new values are sealed under). */
  get keyId(): string {
    return this.current.id;
  }

  /** Ids of every key this vault opens with, current first. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  seal(plain: Uint8Array, context: string): string {
    const k = this.current;
    const aad = Buffer.from(context, 'utf8');
    if (this.cipher === 'sm4') {
      const iv = this.ivs.take(16);
      const c = createCipheriv('sm4-ctr', k.sm4Enc, iv);
      const ct = Buffer.concat([c.update(plain), c.final()]);
      return ['v2', k.id, 's', b64(iv), b64(sm4Tag(k, iv, ct, aad)), b64(ct)].join('.');
    }
    const iv = this.ivs.take(12);
    const c = createCipheriv('aes-256-gcm', k.key, iv);
    c.setAAD(aad);
    const ct = Buffer.concat([c.update(plain), c.final()]);
    return ['v2', k.id, 'a', b64(iv), b64(c.getAuthTag()), b64(ct)].join('.');
  }

  open(sealed: string, context: string): Uint8Array {
    const parts = sealed.split('.');
    const aad = Buffer.from(context, 'utf8');
    if (parts[0] === 'v1' && parts.length === 4) {
      for (const k of this.keys.values()) {
        const out = openGcm(k, parts[1]!, parts[2]!, parts[3]!, aad);
        if (out) return out;
      }
      throw new SatiotError(
        'MASTER_KEY_MISMATCH',
        'a sealed value does not open with any configured master key (wrong SATIOT_MASTER_KEY?)',
      );
    }
    if (parts[0] !== 'v2' || parts.length !== 6)
      throw new SatiotError('INTERNAL', 'a sealed value has an unknown format');
    const [, id, alg, iv, tag, ct] = parts as [string, string, string, string, string, string];
    const k = this.keys.get(id);
    if (!k)
      throw new SatiotError(
        'MASTER_KEY_MISMATCH',
        `a sealed value is under master key ${id}, which this node does not hold: give every node the same ` +
          `SATIOT_MASTER_KEY (and SATIOT_MASTER_KEY_PREVIOUS during a rotation)`,
      );
    const out = alg === 'a' ? openGcm(k, iv, tag, ct, aad) : alg === 's' ? openSm4(k, iv, tag, ct, aad) : undefined;
    if (!out)
      throw new SatiotError(
        'INTERNAL',
        `a sealed value does not open under master key ${id} (tampered, or moved from another row)`,
      );
    return out;
  }

  /** Whether a sealed value should be re-wrapped: old format, an older key or another cipher. */
  isStale(sealed: string): boolean {
    const p = sealed.split('.');
    return p[0] !== 'v2' || p[1] !== this.current.id || p[2] !== (this.cipher === 'sm4' ? 's' : 'a');
  }

  /** The id of the key a value is sealed under (`v1` values: undefined, any key may open them). */
  static keyIdOf(sealed: string): string | undefined {
    const p = sealed.split('.');
    return p[0] === 'v2' ? p[1] : undefined;
  }

  /** Opens and seals again under the current key and cipher. */
  rewrap(sealed: string, context: string): string {
    const plain = this.open(sealed, context);
    try {
      return this.seal(plain, context);
    } finally {
      plain.fill(0);
    }
  }
}

function sm4Tag(k: MasterKey, iv: Buffer, ct: Buffer, aad: Buffer): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64BE(BigInt(aad.length));
  return createHmac('sm3', k.sm4Mac).update('v2.s').update(len).update(aad).update(iv).update(ct).digest();
}

function openGcm(k: MasterKey, iv: string, tag: string, ct: string, aad: Buffer): Uint8Array | undefined {
  try {
    const d = createDecipheriv('aes-256-gcm', k.key, unb64(iv), { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(unb64(tag));
    return new Uint8Array(Buffer.concat([d.update(unb64(ct)), d.final()]));
  } catch {
    return undefined;
  }
}

function openSm4(k: MasterKey, ivS: string, tagS: string, ctS: string, aad: Buffer): Uint8Array | undefined {
  const iv = unb64(ivS),
    tag = unb64(tagS),
    ct = unb64(ctS);
  if (iv.length !== 16) return undefined;
  const want = sm4Tag(k, iv, ct, aad);
  if (tag.length !== want.length || !timingSafeEqual(tag, want)) return undefined;
  const d = createDecipheriv('sm4-ctr', k.sm4Enc, iv);
  return new Uint8Array(Buffer.concat([d.update(ct), d.final()]));
}
