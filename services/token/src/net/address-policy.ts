import ipaddr from 'ipaddr.js';

/**
 * Ranges refused on top of everything ipaddr.js does not call `unicast`: networks that are
 * special-purpose per the IANA registries (RFC 6890) but which ipaddr.js 1.x files under unicast,
 * and IPv6 forms that embed or translate an IPv4 address (NAT64, IPv4-compatible, Teredo, 6to4),
 * through which a private IPv4 target could be reached.
 */
const REFUSED_RANGES = [
  '0.0.0.0/8',
  '100.64.0.0/10',
  '192.0.0.0/24',
  '198.18.0.0/15',
  '::/96',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  'fec0::/10',
].map((cidr) => ipaddr.parseCIDR(cidr));

/**
 * Whether an address is a public unicast address, the only kind a metadata document or JWKS may be
 * fetched from: loopback, private (RFC 1918), link-local (169.254/16, incl. the cloud metadata
 * service at 169.254.169.254), CGNAT (100.64/10), unique-local (fc00::/7), multicast, unspecified,
 * broadcast, documentation and reserved ranges are refused. IPv4-mapped IPv6 addresses are judged
 * as the IPv4 address they carry.
 */
export function isPublicAddress(address: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return false;
  }
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (parsed.range() !== 'unicast') return false;
  return !REFUSED_RANGES.some(([network, bits]) => inRange(parsed, network, bits));
}

function inRange(address: ipaddr.IPv4 | ipaddr.IPv6, network: ipaddr.IPv4 | ipaddr.IPv6, bits: number) {
  if (address.kind() === 'ipv4' && network.kind() === 'ipv4') {
    return (address as ipaddr.IPv4).match(network as ipaddr.IPv4, bits);
  }
  if (address.kind() === 'ipv6' && network.kind() === 'ipv6') {
    return (address as ipaddr.IPv6).match(network as ipaddr.IPv6, bits);
  }
  return false;
}
