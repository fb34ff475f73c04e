import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { AuditCheckpoint } from '../core/ports/audit-store.js';
import { checkpointMessage } from './audit-chain.js';

/**
 * Ed25519 signatures over checkpoints. Ed25519 rather than SM2: node:crypto signs and verifies
 * Ed25519 natively on every OpenSSL build; SM2 signing needs an SM2 key type and a distinguishing
 * id that Node's `sign()` does not expose cleanly, so SM3 is offered for the chain and Ed25519
 * for the signature (docs/security.md).
 */
export const CHECKPOINT_SIG_ALG = 'ed25519';

/** The public half: verifies checkpoints, names its key. */
export class AuditVerifierKey {
  readonly keyId: string;
  constructor(readonly publicKey: KeyObject) {
    if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit signing key must be an Ed25519 key');
    this.keyId = keyIdOf(publicKey);
  }

  static fromPem(pem: string): AuditVerifierKey {
    const k = createPublicKey(pem);
    return new AuditVerifierKey(k);
  }

  verify(c: AuditCheckpoint): boolean {
    if (c.sigAlg !== CHECKPOINT_SIG_ALG || c.keyId !== this.keyId) return false;
    try {
      return verify(null, checkpointMessage(c.seq, c.hash, c.at), this.publicKey, Buffer.from(c.signature, 'base64'));
    } catch {
      return false;
    }
  }

  publicPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
}

/** The private half: signs checkpoints. */
export class AuditSigner extends AuditVerifierKey {
  private constructor(private readonly privateKey: KeyObject) {
    super(createPublicKey(privateKey));
  }

  /** From a PKCS#8 PEM Ed25519 private key. */
  static fromPrivatePem(pem: string): AuditSigner {
    return new AuditSigner(createPrivateKey(pem));
  }

  static generate(): AuditSigner {
    return new AuditSigner(generateKeyPairSync('ed25519').privateKey);
  }

  privatePem(): string {
    return this.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  sign(seq: number, hash: string, at: number): AuditCheckpoint {
    const signature = sign(null, checkpointMessage(seq, hash, at), this.privateKey).toString('base64');
    return { seq, hash, at, keyId: this.keyId, sigAlg: CHECKPOINT_SIG_ALG, signature };
  }
}

/** First 16 hex digits of SHA-256 over the raw 32-byte public key. */
function keyIdOf(k: KeyObject): string {
  const der = k.export({ type: 'spki', format: 'der' });
  return createHash('sha256')
    .update(der.subarray(der.length - 32))
    .digest('hex')
    .slice(0, 16);
}
