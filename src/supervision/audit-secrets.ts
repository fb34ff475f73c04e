/**
 * Defence in depth for audit details: callers must not pass secrets, but a field whose name says
 * it holds one is replaced by '[redacted]' before it is hashed and stored. Names compared without
 * case, '-' and '_': key, secret, token, password, signature, appSKey, nwkSKey, masterKey, apiKey,
 * identityNumber, idNumber, imei is fine (a device id), keyId/tokenPrefix are fine (not secrets).
 */
const SECRET_NAME =
  /(^|[a-z])(key|secret|token|password|passwd|passphrase|signature|authorization|cookie|identitynumber|idnumber|identitydocumentnumber|documentnumber|phyPayload|payload)$/i;
const SAFE_NAME = /(keyid|keyprefix|tokenprefix|keyname|keyrole)$/i;

export function redactSecrets(v: unknown, depth = 0): unknown {
  if (depth > 8) return '[truncated]';
  if (Array.isArray(v)) return v.slice(0, 100).map((x) => redactSecrets(x, depth + 1));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const name = k.replace(/[-_]/g, '');
      out[k] = SECRET_NAME.test(name) && !SAFE_NAME.test(name) ? '[redacted]' : redactSecrets(x, depth + 1);
    }
    return out;
  }
  if (typeof v === 'string' && v.length > 1000) return `${v.slice(0, 1000)}…`;
  return v;
}
