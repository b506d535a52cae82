import { describe, expect, test } from '@gatehouse/testing';
import { isResource, normalizeResource } from './resource.ts';

describe('resource indicators (RFC 8707)', () => {
  const canonical = 'https://gatehouse.example/mcp';

  test.for([
    ['https://gatehouse.example/mcp', true],
    ['https://gatehouse.example/mcp/', true],
    ['HTTPS://GATEHOUSE.EXAMPLE/mcp', true],
    ['https://gatehouse.example:443/mcp', true],
    ['https://gatehouse.example/mcp#frag', false],
    ['https://gatehouse.example/mcp?x=1', false],
    ['https://gatehouse.example/MCP', false],
    ['https://gatehouse.example/mcp//', false],
    ['https://gatehouse.example', false],
    ['http://gatehouse.example/mcp', false],
    ['https://evil.example/mcp', false],
    ['mcp', false],
  ] as const)('%s names the resource: %s', ([value, expected]) => {
    expect(isResource(value, canonical)).toBe(expected);
  });

  test('normalizes to the form without a trailing slash', () => {
    expect(normalizeResource('https://gatehouse.example/mcp/')).toBe(canonical);
    expect(normalizeResource('not a url')).toBeUndefined();
  });
});
