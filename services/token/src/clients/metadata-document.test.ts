import { describe, expect, test } from '@gatehouse/testing';
import { cacheTtlMs, isMetadataDocumentUrl } from './metadata-document.ts';

describe('Client ID Metadata Document URLs', () => {
  const devHosts = new Set(['127.0.0.1:8000']);

  test.for([
    ['https://chatgpt.com/oauth/abc/client.json', true],
    ['https://app.example/client', true],
    ['https://app.example:8443/c.json', true],
    ['https://app.example/c.json?v=1', true],
    ['http://127.0.0.1:8000/c.json', true],
    ['http://127.0.0.1:8001/c.json', false],
    ['http://app.example/c.json', false],
    ['https://app.example/', false],
    ['https://app.example', false],
    ['https://app.example/c.json#x', false],
    ['https://u:p@app.example/c.json', false],
    ['https://app.example/a/../c.json', false],
    ['https://app.example/a/./c.json', false],
    ['https://APP.example/c.json', false],
    ['https://app.example:443/c.json', false],
    ['my-client-id', false],
  ] as const)('%s → %s', ([clientId, expected]) => {
    expect(isMetadataDocumentUrl(clientId, devHosts)).toBe(expected);
  });
});

describe('metadata document cache lifetime', () => {
  test.for([
    ['max-age=300', 300_000],
    ['max-age=5', 60_000],
    ['max-age=999999', 86_400_000],
    [undefined, 60_000],
    ['public', 60_000],
    ['no-store', 0],
    ['no-cache, max-age=300', 0],
  ] as const)('%j → %i ms', ([header, expected]) => {
    expect(cacheTtlMs(header, 60_000, 86_400_000)).toBe(expected);
  });
});
