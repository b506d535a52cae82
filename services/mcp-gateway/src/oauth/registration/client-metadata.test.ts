import { describe, expect, test } from 'vitest';
import { parseClientMetadata, parseEchoedCredentials } from './client-metadata.ts';

describe('parseClientMetadata', () => {
  test('maps RFC 7591 fields to the contract, keeps jwks as JSON text, ignores unknown ones', () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k' }] };
    expect(
      parseClientMetadata(
        JSON.stringify({
          redirect_uris: ['https://app.example/cb'],
          client_name: 'App',
          token_endpoint_auth_method: 'private_key_jwt',
          grant_types: ['authorization_code'],
          response_types: ['code'],
          scope: 'repos:read',
          contacts: ['ops@app.example'],
          jwks,
          application_type: 'web',
          software_statement: 'ignored',
          'client_name#fr': 'ignored',
          logo_uri: null,
        }),
      ),
    ).toEqual({
      redirectUris: ['https://app.example/cb'],
      clientName: 'App',
      tokenEndpointAuthMethod: 'private_key_jwt',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      scope: 'repos:read',
      contacts: ['ops@app.example'],
      jwks: JSON.stringify(jwks),
      applicationType: 'web',
    });
  });

  test.each([
    ['null', 'invalid_client_metadata'],
    ['"text"', 'invalid_client_metadata'],
    ['{"client_uri":["x"]}', 'invalid_client_metadata'],
    ['{"contacts":"a@b"}', 'invalid_client_metadata'],
    ['{"jwks":"{}"}', 'invalid_client_metadata'],
    ['{"redirect_uris":["a", 2]}', 'invalid_redirect_uri'],
  ])('refuses %s with %s', (body, code) => {
    expect(() => parseClientMetadata(body)).toThrow(expect.objectContaining({ code }));
  });

  test('reads the client_id and client_secret an update echoes (RFC 7592 §2.2)', () => {
    expect(parseEchoedCredentials('{"client_id":"c","client_secret":"s"}')).toEqual({
      clientId: 'c',
      clientSecret: 's',
    });
    expect(parseEchoedCredentials('{}')).toEqual({ clientId: '', clientSecret: '' });
    expect(() => parseEchoedCredentials('{"client_id":1}')).toThrow(
      expect.objectContaining({ code: 'invalid_client_metadata' }),
    );
  });
});
