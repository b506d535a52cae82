import { createHash } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import type { OAuthApp } from './apps.ts';
import { type OAuthErrorKind, oauthError } from './errors.ts';
import type { AccessToken } from './tokens.ts';

type Params = Record<string, unknown>;

/**
 * POST /login/oauth/access_token: exchanges a code (checking the app's credentials, the code's
 * redirect_uri and the PKCE verifier) or, for expiring tokens, rotates a refresh token.
 * Like GitHub, it answers errors with HTTP 200 and an `error` field.
 */
export function accessTokenRoutes(state: EmulatorState): Router {
  const router = Router();
  router.post(
    '/login/oauth/access_token',
    express.urlencoded({ extended: false }),
    express.json(),
    (req, res) => {
      // GitHub also takes the parameters from the query string, as its docs' examples do.
      const params: Params = { ...req.query, ...(req.body ?? {}) };
      const app = authenticateClient(state, req, params);
      if (!app) return reply(req, res, oauthError('incorrect_client_credentials'));
      const grantType = params.grant_type ?? 'authorization_code';
      const result =
        grantType === 'authorization_code'
          ? exchangeCode(state, app, params)
          : grantType === 'refresh_token'
            ? refresh(state, app, params)
            : ('unsupported_grant_type' as const);
      reply(req, res, typeof result === 'string' ? oauthError(result) : result);
    },
  );
  return router;
}

/** Client credentials from HTTP Basic (form-encoded, RFC 6749 §2.3.1) or from the parameters. */
function authenticateClient(state: EmulatorState, req: Request, params: Params): OAuthApp | undefined {
  const basic = /^basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  if (basic) {
    const [id = '', secret = ''] = Buffer.from(basic[1]!, 'base64').toString().split(':');
    try {
      const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
      return state.apps.authenticate(decode(id), decode(secret));
    } catch {
      return undefined; // malformed percent-encoding
    }
  }
  return state.apps.authenticate(params.client_id, params.client_secret);
}

function exchangeCode(state: EmulatorState, app: OAuthApp, params: Params): TokenResponse | OAuthErrorKind {
  // Redeeming burns the code whatever happens next, so a wrong verifier cannot be retried.
  const code = typeof params.code === 'string' ? state.codes.redeem(params.code) : undefined;
  if (!code || code.clientId !== app.clientId) return 'bad_verification_code';
  if (params.redirect_uri !== undefined && params.redirect_uri !== code.returnTo)
    return 'token_redirect_uri_mismatch';
  if (code.codeChallenge !== null && !verifierMatches(params.code_verifier, code.codeChallenge)) {
    return 'bad_verification_code';
  }
  return issueTokens(state, app, code.user, code.scopes);
}

function refresh(state: EmulatorState, app: OAuthApp, params: Params): TokenResponse | OAuthErrorKind {
  const old =
    typeof params.refresh_token === 'string'
      ? state.tokens.redeemRefreshToken(params.refresh_token, app.clientId)
      : undefined;
  if (!old) return 'bad_refresh_token';
  // Refreshing always yields another expiring token, even if the mode was switched off since.
  return issueTokens(state, app, old.login, old.scopes, true);
}

/** PKCE S256 (RFC 7636): BASE64URL(SHA-256(verifier)) must equal the challenge from the authorize step. */
function verifierMatches(verifier: unknown, challenge: string): boolean {
  if (typeof verifier !== 'string' || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

interface TokenResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  scope: string;
  token_type: 'bearer';
}

/** Field order and comma-separated scope as GitHub sends them. */
function issueTokens(
  state: EmulatorState,
  app: OAuthApp,
  login: string,
  scopes: string[],
  expiring = state.config.expiringTokens,
): TokenResponse {
  const { accessTokenTtlSeconds, refreshTokenTtlSeconds } = state.config;
  const access: AccessToken = state.tokens.issue({
    login,
    scopes,
    clientId: app.clientId,
    expiresInSeconds: expiring ? accessTokenTtlSeconds : null,
  });
  const scope = access.scopes.join(',');
  if (!expiring) return { access_token: access.token, scope, token_type: 'bearer' };
  const refreshToken = state.tokens.issueRefreshToken(
    { ...access, clientId: app.clientId },
    refreshTokenTtlSeconds,
  );
  return {
    access_token: access.token,
    expires_in: accessTokenTtlSeconds,
    refresh_token: refreshToken.token,
    refresh_token_expires_in: refreshTokenTtlSeconds,
    scope,
    token_type: 'bearer',
  };
}

/** JSON when the client accepts it, else form-encoded: GitHub's default answer format. */
function reply(req: Request, res: Response, body: object): void {
  res.set('Cache-Control', 'no-store');
  if (req.accepts(['application/x-www-form-urlencoded', 'application/json']) === 'application/json') {
    res.json(body);
    return;
  }
  const form = new URLSearchParams(Object.entries(body).map(([key, value]) => [key, String(value)]));
  res.type('application/x-www-form-urlencoded; charset=utf-8').send(form.toString());
}
