import { describe, expect, test } from 'vitest';
import { parseTrustedProxies, trustFunction } from './trusted-proxies.ts';

describe('TRUST_PROXY', () => {
  test.each(['', 'none', 'false', '0'])('%j trusts nobody', (value) => {
    expect(parseTrustedProxies(value)).toEqual({ kind: 'none' });
    expect(trustFunction(parseTrustedProxies(value))('127.0.0.1', 0)).toBe(false);
  });

  test('a hop count trusts that many hops nearest the gateway', () => {
    const trust = trustFunction(parseTrustedProxies('2'));
    expect([0, 1, 2].map((hop) => trust('203.0.113.9', hop))).toEqual([true, true, false]);
  });

  test('addresses, CIDR ranges and named ranges, IPv4 and IPv6, including IPv4-mapped peers', () => {
    const trust = trustFunction(parseTrustedProxies('10.0.0.0/8, 2001:db8::/32, loopback, 192.0.2.7'));
    expect(trust('10.1.2.3', 0)).toBe(true);
    expect(trust('::ffff:10.1.2.3', 0)).toBe(true);
    expect(trust('2001:db8::1', 1)).toBe(true);
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('::1', 0)).toBe(true);
    expect(trust('192.0.2.7', 0)).toBe(true);
    expect(trust('192.0.2.8', 0)).toBe(false);
    expect(trust('11.0.0.1', 0)).toBe(false);
    expect(trust('not-an-ip', 0)).toBe(false);
  });

  test('refuses entries it cannot read, listing each', () => {
    expect(() => parseTrustedProxies('10.0.0.0/33, everyone, 10.0.0.1/x, 1.2.3.4')).toThrow(
      /: 10\.0\.0\.0\/33, everyone, 10\.0\.0\.1\/x$/,
    );
  });
});
