import { describe, expect, test } from 'vitest';
import { addressKey } from './rate-limit.ts';

describe('addressKey', () => {
  test('an IPv4 address is its own key', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
  });

  test('IPv6 addresses are counted per /64, however they are spelled', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:0db8:0001:0002::/64');
    expect(addressKey('2001:DB8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:0db8:0001:0002::/64');
    expect(addressKey('::1')).toBe('0000:0000:0000:0000::/64');
    expect(addressKey('2001:db8::')).toBe('2001:0db8:0000:0000::/64');
  });
});
