import { lookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { SatiotError } from '../errors/satiot-error.js';

/** IPv4 ranges that are not the public Internet: where a tenant's webhook or broker must not point. */
const V4_INTERNAL: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
];

/** IPv6 ranges refused whole. */
const V6_INTERNAL: ReadonlyArray<readonly [string, number]> = [
  ['::', 96], // unspecified, loopback, and the deprecated IPv4-compatible ::a.b.c.d
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo (embeds an IPv4 address, obfuscated)
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

/** IPv6 prefixes (/96) that carry an IPv4 address in their last 32 bits: refused when that address is. */
const V4_EMBEDDING = ['::ffff:', '64:ff9b::']; // IPv4-mapped, well-known NAT64

const INTERNAL = new BlockList();
for (const [net, bits] of V4_INTERNAL) {
  INTERNAL.addSubnet(net, bits, 'ipv4');
  for (const prefix of V4_EMBEDDING) INTERNAL.addSubnet(`${prefix}${net}`, 96 + bits, 'ipv6');
}
for (const [net, bits] of V6_INTERNAL) INTERNAL.addSubnet(net, bits, 'ipv6');

/**
 * Whether a host (a name, or an address with or without brackets and zone) is `localhost` or an
 * address in an internal range above. A name that is not `localhost` is not internal here: what it
 * resolves to is checked when connecting (publicOnlyLookup).
 */
export function isInternalHost(host: string): boolean {
  const h = host
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.') return true;
  const family = isIP(h);
  return family !== 0 && INTERNAL.check(h, family === 4 ? 'ipv4' : 'ipv6');
}

function blocked(host: string): SatiotError {
  return new SatiotError(
    'DELIVERY_TARGET_INTERNAL',
    `${host} is or resolves to an internal address: deliveries there are not allowed`,
    { host },
  );
}

/**
 * Refuses a host that is itself internal (an address literal or `localhost`), with no DNS: a
 * connection to a literal never asks a resolver, so this is its only check.
 */
export function assertPublicHost(hostname: string): void {
  if (isInternalHost(hostname)) throw blocked(hostname.replace(/^\[|\]$/g, '').toLowerCase());
}

/** Resolves a name to every address it has (the system resolver by default; tests script one). */
export type Resolve = (host: string) => Promise<readonly LookupAddress[]>;

export const systemResolve: Resolve = (host) => lookup(host, { all: true, verbatim: true });

/**
 * A `lookup` for net, tls and http connections that resolves the name once, refuses it when any
 * address it answers is internal, and hands the connection those checked addresses. The check and
 * the connection share one answer, so a name that changes its answer in between (DNS rebinding)
 * cannot slip an internal address past the check; every new connection (an MQTT reconnect, a new
 * pooled socket) resolves and checks again.
 */
export function publicOnlyLookup(resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    const answer = (all: readonly LookupAddress[]): LookupAddress[] => {
      if (all.some((a) => isInternalHost(a.address))) throw blocked(hostname);
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      const usable = family === 4 || family === 6 ? all.filter((a) => a.family === family) : [...all];
      if (usable.length === 0)
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
      return usable;
    };
    // The callback runs outside the promise chain: an exception it throws is not taken for a lookup failure.
    resolve(hostname)
      .then(answer)
      .then(
        (usable) =>
          setImmediate(() =>
            options.all ? callback(null, usable) : callback(null, usable[0]!.address, usable[0]!.family),
          ),
        (e: NodeJS.ErrnoException) => setImmediate(() => callback(e, '')),
      );
  };
}
