import { describe, expect, it } from 'vitest';
import { attemptErrorText } from '../../../src/core/delivery/attempt-error.js';
import { SatiotError } from '../../../src/errors/satiot-error.js';

const coded = (message: string, code: string | number, cause?: unknown) =>
  Object.assign(new Error(message, cause !== undefined ? { cause } : {}), { code });

describe('delivery log text of a failed attempt', () => {
  it('records a class of failure, never the raw text (which names addresses and ports a tenant could scan with)', () => {
    const cases: Array<[unknown, string]> = [
      [coded('connect ECONNREFUSED 10.0.0.5:8080', 'ECONNREFUSED'), 'connection refused'],
      [
        new TypeError('fetch failed', { cause: coded('connect ECONNREFUSED 10.0.0.5:8080', 'ECONNREFUSED') }),
        'connection refused',
      ],
      [
        coded('Connect Timeout Error (attempted address: 10.0.0.5:22, timeout: 500ms)', 'UND_ERR_CONNECT_TIMEOUT'),
        'timeout',
      ],
      [Object.assign(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), 'timeout'],
      [coded('getaddrinfo ENOTFOUND hooks.internal.corp', 'ENOTFOUND'), 'host not found'],
      [coded('connect EHOSTUNREACH 10.9.9.9:443', 'EHOSTUNREACH'), 'host unreachable'],
      [coded('read ECONNRESET', 'ECONNRESET'), 'connection closed'],
      [coded('other side closed 10.0.0.5:8080', 'UND_ERR_SOCKET'), 'connection closed'],
      [coded('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'TLS handshake failed'],
      [
        coded("Hostname/IP does not match certificate's altnames: IP: 10.0.0.5", 'ERR_TLS_CERT_ALTNAME_INVALID'),
        'TLS handshake failed',
      ],
      [coded('Connection refused: Not authorized', 5), 'broker refused the connection'],
      [new SatiotError('DELIVERY_TARGET_INTERNAL', 'broker.example resolves to 10.0.0.5'), 'blocked: internal address'],
      // A time limit that ran out while the cause was known: the cause is the more precise class.
      [
        coded(
          'broker mqtt://b.example:1883 not reachable within 300 ms',
          'ETIMEDOUT',
          coded('connect ECONNREFUSED 10.0.0.5:1883', 'ECONNREFUSED'),
        ),
        'connection refused',
      ],
      [
        coded(
          'broker mqtt://b.example:1883 not reachable within 300 ms',
          'ETIMEDOUT',
          new SatiotError('DELIVERY_TARGET_INTERNAL', 'internal'),
        ),
        'blocked: internal address',
      ],
      [new Error('something odd at 10.0.0.5:8080'), 'delivery failed'],
      ['a string', 'delivery failed'],
    ];
    for (const [e, text] of cases) expect(attemptErrorText(e), String((e as Error)?.message ?? e)).toBe(text);
  });
});
