import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a webhook delivery (HTTP header names are case-insensitive; receivers see them lower-cased). */
export const TIMESTAMP_HEADER = 'X-Satiot-Timestamp';
export const SIGNATURE_HEADER = 'X-Satiot-Signature';
export const EVENT_HEADER = 'X-Satiot-Event';
export const DELIVERY_HEADER = 'X-Satiot-Delivery';

/** How far a delivery's timestamp may be from the receiver's clock, seconds (5 minutes), against replays. */
export const SIGNATURE_TOLERANCE_S = 300;

const SCHEME = 'v1=';

/**
 * The `X-Satiot-Signature` value: `v1=` and the hex HMAC-SHA256, keyed with the secret's UTF-8
 * bytes, of `<timestamp>.<raw body>` (timestamp in unix seconds, as sent in `X-Satiot-Timestamp`).
 * docs/webhooks.md shows receivers how to check it.
 */
export function signatureOf(secret: string, timestampS: number, body: Uint8Array | string): string {
  return SCHEME + createHmac('sha256', secret).update(`${timestampS}.`).update(body).digest('hex');
}

/**
 * Whether a delivery is authentic and fresh: the timestamp is an integer within `toleranceS` of
 * `nowS`, and one of the comma-separated `v1=` signatures matches (compared in constant time).
 * Missing headers are simply false.
 */
export function verifySignature(
  secret: string,
  signatureHeader: string | undefined,
  timestampHeader: string | undefined,
  body: Uint8Array | string,
  nowS: number,
  toleranceS: number = SIGNATURE_TOLERANCE_S,
): boolean {
  if (signatureHeader === undefined || timestampHeader === undefined || !/^\d{1,12}$/.test(timestampHeader))
    return false;
  const ts = Number(timestampHeader);
  if (Math.abs(nowS - ts) > toleranceS) return false;
  const expected = Buffer.from(signatureOf(secret, ts, body));
  return signatureHeader.split(',').some((s) => {
    const got = Buffer.from(s.trim());
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}
