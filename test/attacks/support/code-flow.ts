import { Browser, type OAuthClient, type Pkce, pkce } from '../../../bench/harness/oauth-client.ts';

/** The first test also starts the file's stack (five processes): slow on a busy 2-core machine. */
export const STACK_START_TIMEOUT_MS = 60_000;

/** Every per-IP and per-client rate limit switched off, so attacks and races meet only the checks under test. */
export const RATE_LIMITS_OFF = {
  RATE_LIMIT_REGISTER_PER_IP: 'off',
  RATE_LIMIT_AUTHORIZE_PER_IP: 'off',
  RATE_LIMIT_TOKEN_PER_IP: 'off',
  RATE_LIMIT_TOKEN_PER_CLIENT: 'off',
};

export const REDIRECT = 'https://client.example.com/callback';

/** An approved authorization code for `clientId` (in a fresh browser, redirecting to REDIRECT), and its PKCE pair. */
export async function obtainCodeFor(client: OAuthClient, clientId: string, verifier: Pkce = pkce()) {
  const { code } = await client.obtainCode(new Browser(), {
    clientId,
    redirectUri: REDIRECT,
    pkce: verifier,
  });
  return { code, verifier };
}
