import { BlockList, isIP } from 'node:net';

/**
 * Which peers may tell us the client's address in `X-Forwarded-For`. Without a trusted proxy the
 * header is ignored entirely: anyone can send it, so honouring it would let a client pick the
 * address its rate limit is counted against.
 */
export type TrustedProxies =
  | { kind: 'none' }
  /** Trust this many hops nearest the gateway (the socket peer is hop 0). */
  | { kind: 'hops'; hops: number }
  /** Trust peers in these ranges, wherever they appear in the chain. */
  | { kind: 'ranges'; ranges: string[] };

/** Ranges by the names Express's `trust proxy` setting uses, so operators can reuse their values. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Parses `TRUST_PROXY`: empty, `false` or `none` (trust nobody); a hop count such as `1`; or a
 * comma-separated list of addresses, CIDR ranges and the names loopback, linklocal, uniquelocal.
 * Throws with every bad entry listed.
 */
export function parseTrustedProxies(value: string): TrustedProxies {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'false' || trimmed === 'none') return { kind: 'none' };
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    return hops === 0 ? { kind: 'none' } : { kind: 'hops', hops };
  }
  const ranges: string[] = [];
  const bad: string[] = [];
  for (const entry of trimmed.split(',').map((item) => item.trim())) {
    if (entry === '') continue;
    const named = NAMED_RANGES[entry];
    if (named) ranges.push(...named);
    else if (toSubnet(entry)) ranges.push(entry);
    else bad.push(entry);
  }
  if (bad.length > 0) {
    throw new Error(
      `not an address, CIDR range, hop count or one of ${Object.keys(NAMED_RANGES).join('/')}: ${bad.join(', ')}`,
    );
  }
  return ranges.length === 0 ? { kind: 'none' } : { kind: 'ranges', ranges };
}

interface Subnet {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

function toSubnet(entry: string): Subnet | undefined {
  const [address = '', prefixText] = entry.split('/');
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  return prefix <= max ? { network: address, prefix, family } : undefined;
}

/**
 * The `(address, hop) => boolean` function Express's `trust proxy` setting takes: it walks the
 * chain from the socket peer (hop 0) through `X-Forwarded-For` right to left and stops at the
 * first untrusted address, which becomes `req.ip`.
 */
export function trustFunction(setting: TrustedProxies): (address: string, hop: number) => boolean {
  switch (setting.kind) {
    case 'none':
      return () => false;
    case 'hops':
      return (_address, hop) => hop < setting.hops;
    case 'ranges': {
      const list = new BlockList();
      for (const range of setting.ranges) {
        const subnet = toSubnet(range)!;
        list.addSubnet(subnet.network, subnet.prefix, subnet.family);
      }
      return (address) => {
        const version = isIP(address);
        return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
      };
    }
  }
}
