import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Parses `--directip-allow`: a comma-separated list of addresses and CIDR blocks, into a BlockList
 * used as an allow list. Throws a plain Error naming the bad entry.
 */
export function parseAllowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const e = raw.trim();
    if (e === '') continue;
    const [addr, bits, extra] = e.split('/');
    const type = isIPv4(addr ?? '') ? 'ipv4' : isIPv6(addr ?? '') ? 'ipv6' : undefined;
    if (!type || extra !== undefined) throw new Error(`not an address or CIDR block: ${e}`);
    if (bits === undefined) {
      list.addAddress(addr!, type);
      continue;
    }
    const prefix = Number(bits);
    if (!/^\d+$/.test(bits) || prefix > (type === 'ipv4' ? 32 : 128)) throw new Error(`bad prefix length in ${e}`);
    list.addSubnet(addr!, prefix, type);
  }
  return list;
}

/** Whether `address` (as a socket reports it, IPv4-mapped IPv6 included) is on the allow list. */
export function allowed(list: BlockList, address: string | undefined): boolean {
  if (!address) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return list.check(mapped, 'ipv4');
  return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}
