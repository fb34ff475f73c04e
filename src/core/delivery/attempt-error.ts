import { isSatiotError } from '../../errors/satiot-error.js';

/**
 * Classes of failure, most precise first: when a time limit ran out while an earlier cause was known
 * (an MQTT connection refused until the publish gave up), the cause is what the log shows.
 */
const CLASSES: ReadonlyArray<readonly [text: string, matches: (code: string) => boolean]> = [
  ['blocked: internal address', (c) => c === 'DELIVERY_TARGET_INTERNAL'],
  ['connection refused', (c) => c === 'ECONNREFUSED'],
  ['host not found', (c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'EAI_NODATA' || c === 'EAI_NONAME'],
  ['host unreachable', (c) => c === 'EHOSTUNREACH' || c === 'ENETUNREACH' || c === 'EHOSTDOWN' || c === 'ENETDOWN'],
  [
    'TLS handshake failed',
    (c) => /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_)/.test(c) || c === 'TLS_NOT_AUTHORIZED',
  ],
  ['connection closed', (c) => c === 'ECONNRESET' || c === 'EPIPE' || c === 'UND_ERR_SOCKET' || c === 'UND_ERR_CLOSED'],
  // mqtt.js puts the CONNACK reason code (a number) on a refused connection.
  ['broker refused the connection', (c) => /^\d+$/.test(c)],
  [
    'timeout',
    (c) =>
      c === 'ETIMEDOUT' ||
      c === 'TimeoutError' ||
      c === 'AbortError' ||
      c === 'ABORT_ERR' ||
      /^UND_ERR_(CONNECT|HEADERS|BODY)_TIMEOUT$/.test(c),
  ],
];

/** The codes (and error names) along an error's `cause` chain, outermost first. */
function codesOf(e: unknown): string[] {
  const codes: string[] = [];
  for (
    let x = e, depth = 0;
    x !== null && typeof x === 'object' && depth < 5;
    x = (x as { cause?: unknown }).cause, depth++
  ) {
    const { code, name } = x as { code?: unknown; name?: unknown };
    // A DOMException's numeric code is its legacy kind, not a CONNACK reason.
    if (isSatiotError(x) || typeof code === 'string' || (typeof code === 'number' && !(x instanceof DOMException)))
      codes.push(String(code));
    if (typeof name === 'string') codes.push(name);
  }
  return codes;
}

/**
 * What the delivery log (and a disabled integration's reason) records for a failed attempt: a class
 * of failure, never the error's own text. That text names the addresses a host resolved to and
 * tells a refused port from a silent one on them — the tenants who read the log could map a
 * network with it. An unrecognised error is `delivery failed`.
 */
export function attemptErrorText(e: unknown): string {
  const codes = codesOf(e);
  for (const [text, matches] of CLASSES) if (codes.some(matches)) return text;
  return 'delivery failed';
}
