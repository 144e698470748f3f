import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Loopback and the private ranges: where probes (kubelet, Docker's health checks) and
 * Prometheus come from inside a cluster or a compose network.
 */
export const DEFAULT_OPS_ALLOW_CIDRS: readonly string[] = [
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
];

/** `::ffff:10.1.2.3`, what a dual-stack socket reports for an IPv4 peer, as `10.1.2.3`. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/**
 * Parses networks written `address/prefix` (or a bare address, a network of one); throws an
 * Error naming the first entry that is not one.
 */
export function parseCidrs(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [address = '', prefixText, extra] = entry.trim().split('/');
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    const max = family === 'ipv4' ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new Error(`"${entry}" is not a network such as 10.0.0.0/8 or fc00::/7`);
    }
    list.addSubnet(address, prefix, family);
  }
  return list;
}

/** Whether a connection from `address` may read the operational endpoints. */
export function createOpsAccess(
  cidrs: readonly string[],
): (address: string | undefined) => boolean {
  const list = parseCidrs(cidrs);
  return (address) => {
    if (!address) return false;
    const peer = unmapped(address);
    if (isIPv4(peer)) return list.check(peer, 'ipv4');
    return isIPv6(peer) && list.check(peer, 'ipv6');
  };
}
