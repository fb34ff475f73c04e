import { AuditVerifierKey } from './audit-signer.js';

/**
 * Where the key a verification trusts came from. Only `pinned` (a public key the verifier was given
 * and keeps apart from the data) proves the checkpoints were signed by the deployment's key; every
 * other source can be replaced by whoever controls the place it was read from, together with a
 * rewritten chain re-signed by a key of their own.
 */
export type AuditKeySource = 'pinned' | 'environment' | 'data-dir' | 'signer' | 'export-file' | 'none';

export interface TrustedAuditKey {
  readonly key: AuditVerifierKey;
  readonly source: Exclude<AuditKeySource, 'none'>;
  /** The file or variable it was read from, for the warning. */
  readonly where?: string;
}

/** A key handed over directly by the caller counts as pinned; an unpinned one comes with its source. */
export function trustOf(k: AuditVerifierKey | TrustedAuditKey | undefined): TrustedAuditKey | undefined {
  return k instanceof AuditVerifierKey ? { key: k, source: 'pinned' } : k;
}

const PIN =
  'pin the public key (--public-key FILE for `satiot audit verify`, --audit-public-key FILE or ' +
  'SATIOT_AUDIT_PUBLIC_KEY for the server) from a copy kept outside the data directory';

/** The warning a verification report carries for its key, or undefined for a pinned one. */
export function keyWarning(t: TrustedAuditKey | undefined): string | undefined {
  if (!t)
    return (
      "no audit public key: checkpoint signatures (the anchor of pruned records' included) and the " +
      'checkpoint cadence were not checked, so the chain proves only its own consistency; ' +
      PIN
    );
  const at = t.where !== undefined ? ` (${t.where})` : '';
  switch (t.source) {
    case 'pinned':
      return undefined;
    case 'data-dir':
      return (
        `the audit public key was taken from the data directory${at}, not pinned: it proves nothing against ` +
        `someone who controls that directory, who can rewrite the chain and re-sign it with a key of their ` +
        `own; ${PIN}`
      );
    case 'environment':
      return (
        `the audit key was taken from the signing key in the environment${at}, not pinned: it proves nothing ` +
        `against someone who controls the server's environment; ${PIN}`
      );
    case 'signer':
      return (
        `the audit key is the server's own signing key, not pinned: it proves nothing against someone who can ` +
        `replace that key; ${PIN}`
      );
    case 'export-file':
      return (
        `the audit public key was taken from the export's own header, not pinned: it proves nothing against ` +
        `whoever could edit the file; ${PIN}`
      );
  }
}
