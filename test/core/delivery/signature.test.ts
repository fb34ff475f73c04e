import { describe, expect, it } from 'vitest';
import { SIGNATURE_TOLERANCE_S, signatureOf, verifySignature } from '../../../src/core/delivery/signature.js';

const SECRET = 'whsec_test_0123456789';
const TS = 1767225600;
const BODY = '{"kind":"uplink","messageId":"t1.7"}';
/**
 * Computed independently with Python's hmac module:
 * python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_test_0123456789", b"1767225600.{\"kind\":\"uplink\",\"messageId\":\"t1.7\"}", hashlib.sha256).hexdigest())'
 */
const EXPECTED = 'v1=c9b70c0d89c00530356d45d7adebc4864bd95a518202034736de0517f0d571c6';

describe('webhook signatures', () => {
  it('signs timestamp "." raw body with HMAC-SHA256 of the secret, as Python computes it', () => {
    expect(signatureOf(SECRET, TS, BODY)).toBe(EXPECTED);
    expect(signatureOf(SECRET, TS, Buffer.from(BODY))).toBe(EXPECTED);
  });

  it('accepts its own signature within five minutes either side of the receiver clock', () => {
    expect(verifySignature(SECRET, EXPECTED, String(TS), BODY, TS)).toBe(true);
    expect(verifySignature(SECRET, EXPECTED, String(TS), BODY, TS + SIGNATURE_TOLERANCE_S)).toBe(true);
    expect(verifySignature(SECRET, EXPECTED, String(TS), BODY, TS - SIGNATURE_TOLERANCE_S)).toBe(true);
  });

  it('rejects a stale or future timestamp even when the signature matches', () => {
    expect(verifySignature(SECRET, EXPECTED, String(TS), BODY, TS + SIGNATURE_TOLERANCE_S + 1)).toBe(false);
    expect(verifySignature(SECRET, EXPECTED, String(TS), BODY, TS - SIGNATURE_TOLERANCE_S - 1)).toBe(false);
  });

  it('rejects a changed body, another secret, another timestamp, and missing or malformed headers', () => {
    expect(verifySignature(SECRET, EXPECTED, String(TS), BODY.replace('t1.7', 't1.8'), TS)).toBe(false);
    expect(verifySignature('whsec_other', EXPECTED, String(TS), BODY, TS)).toBe(false);
    expect(verifySignature(SECRET, EXPECTED, String(TS + 1), BODY, TS + 1)).toBe(false);
    expect(verifySignature(SECRET, undefined, String(TS), BODY, TS)).toBe(false);
    expect(verifySignature(SECRET, EXPECTED, undefined, BODY, TS)).toBe(false);
    expect(verifySignature(SECRET, EXPECTED, '1767225600.5', BODY, TS)).toBe(false);
    expect(verifySignature(SECRET, EXPECTED.toUpperCase(), String(TS), BODY, TS)).toBe(false);
  });

  it('accepts a header listing several signatures when one of them matches (secret rotation)', () => {
    expect(verifySignature(SECRET, `v1=${'0'.repeat(64)}, ${EXPECTED}`, String(TS), BODY, TS)).toBe(true);
  });
});
