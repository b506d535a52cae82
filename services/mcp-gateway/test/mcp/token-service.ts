import { createHash, randomBytes } from 'node:crypto';
import type { Bus } from '@gatehouse/bus';
import { token } from '@gatehouse/proto';
import type { Isolation, TestInfrastructure } from '@gatehouse/testing';

/** The token service's environment for a test file: its isolation, a loopback PUBLIC_URL. */
export function tokenServiceEnv(infrastructure: TestInfrastructure, isolation: Isolation, publicUrl: string) {
  return {
    NATS_URL: infrastructure.natsUrl,
    NATS_SUBJECT_PREFIX: isolation.natsPrefix,
    DATABASE_URL: isolation.databaseUrl,
    REDIS_URL: infrastructure.redisUrl,
    REDIS_KEY_PREFIX: isolation.redisPrefix,
    PUBLIC_URL: publicUrl,
  };
}

export interface IssuedToken {
  accessToken: string;
  refreshToken: string;
  clientId: string;
}

/**
 * An access token minted by the real token service the way the flow mints one: a client
 * registers (RFC 7591), identity asks for a code after consent (IssueCode), the client redeems it
 * with its PKCE verifier (ExchangeToken).
 */
export async function issueToken(
  bus: Bus,
  options: { resource: string; scopes: string[]; userId: string },
): Promise<IssuedToken> {
  const redirectUri = 'http://127.0.0.1:8976/callback';
  const client = await bus.request(token.TokenService.method.registerClient, {
    metadata: {
      redirectUris: [redirectUri],
      clientName: 'gateway test client',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
    },
  });
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const { code } = await bus.request(token.TokenService.method.issueCode, {
    clientId: client.clientId,
    redirectUri,
    codeChallenge: challenge,
    scopes: options.scopes,
    resource: options.resource,
    userId: options.userId,
    githubLogin: 'octocat',
  });
  const issued = await bus.request(token.TokenService.method.exchangeToken, {
    params: {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: client.clientId,
      resource: options.resource,
    },
  });
  return { accessToken: issued.accessToken, refreshToken: issued.refreshToken, clientId: client.clientId };
}
