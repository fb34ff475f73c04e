import { lookup } from 'node:dns/promises';

/**
 * Loopback, private, link-local, carrier-grade NAT and unique-local addresses, `localhost` and the
 * unspecified addresses: where a tenant's webhook or broker must not point (the service's own network).
 */
export function isInternalHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host === '0.0.0.0' || host === '::' || host === '::1') return true;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host)?.slice(1).map(Number);
  if (v4) {
    const [a, b] = v4 as [number, number];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (host.includes(':')) return /^(fc|fd|fe8|fe9|fea|feb)/.test(host) || host.startsWith('::ffff:');
  return false;
}

/**
 * Refuses a host that is, or resolves to, an internal address (every address it resolves to is
 * checked). Run right before connecting; a name that changes its answer between this lookup and the
 * connection (DNS rebinding) is not caught.
 */
export async function assertPublicHost(hostname: string): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isInternalHost(host)) throw new Error(`${host} is an internal address: deliveries there are not allowed`);
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return; // does not resolve: the connection fails on its own, with its own reason
  }
  const internal = addresses.find((a) => isInternalHost(a.address.toLowerCase()));
  if (internal) throw new Error(`${host} resolves to ${internal.address}, an internal address: deliveries there are not allowed`);
}
