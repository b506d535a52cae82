import express, { type Response, Router } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import { queryString } from '../rest/params.ts';
import { isAllowedRedirect } from './apps.ts';
import type { AuthorizationRequest } from './codes.ts';
import { oauthError } from './errors.ts';
import { parseScopes } from './scopes.ts';
import { renderErrorPage, renderSignInPage } from './sign-in-page.ts';

/**
 * GitHub's authorization endpoint. GET validates the request, then either approves it straight away
 * (auto-approve mode) or shows the sign-in page, whose forms POST the user's choice back.
 */
export function authorizeRoutes(state: EmulatorState): Router {
  const router = Router();

  router.get('/login/oauth/authorize', (req, res) => {
    const app = state.apps.find(queryString(req, 'client_id'));
    if (!app) return sendPage(res, 404, renderErrorPage('Not Found', 'No OAuth app has this client_id.'));
    const clientState = queryString(req, 'state') ?? null;
    const redirectUri = queryString(req, 'redirect_uri') ?? null;
    // A bad redirect_uri cannot be trusted with the answer, so GitHub sends it to the registered callback.
    if (redirectUri !== null && !isAllowedRedirect(app.callbackUrl, redirectUri)) {
      return redirectTo(res, app.callbackUrl, { ...oauthError('redirect_uri_mismatch'), state: clientState });
    }
    const returnTo = redirectUri ?? app.callbackUrl;
    const codeChallenge = queryString(req, 'code_challenge') ?? null;
    if (codeChallenge !== null && queryString(req, 'code_challenge_method') !== 'S256') {
      return redirectTo(res, returnTo, { ...oauthError('invalid_request'), state: clientState });
    }
    const request: AuthorizationRequest = {
      clientId: app.clientId,
      redirectUri,
      returnTo,
      scopes: parseScopes(queryString(req, 'scope')),
      state: clientState,
      codeChallenge,
      login: queryString(req, 'login') ?? null,
    };
    // `prompt=select_account` makes GitHub show the account picker even when it could skip it.
    const approver =
      queryString(req, 'prompt') === 'select_account' ? undefined : autoApprover(state, request);
    if (approver) return approve(state, res, request, approver);
    const requestId = state.codes.park(request);
    sendPage(res, 200, renderSignInPage({ app, request, requestId, users: state.store.users() }));
  });

  router.post('/login/oauth/authorize', express.urlencoded({ extended: false }), (req, res) => {
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    const request = state.codes.unpark(String(form.request_id ?? ''));
    if (!request) {
      return sendPage(res, 400, renderErrorPage('Sign-in expired', 'Start again from the application.'));
    }
    if (form.cancel)
      return redirectTo(res, request.returnTo, { ...oauthError('access_denied'), state: request.state });
    const user = state.store.user(String(form.login ?? ''));
    if (!user)
      return sendPage(res, 400, renderErrorPage('Unknown user', 'Choose one of the listed accounts.'));
    approve(state, res, request, user.login);
  });

  return router;
}

/** In auto-approve mode the `login` hint picks the user when it names one; else the configured default. */
function autoApprover(state: EmulatorState, request: AuthorizationRequest): string | undefined {
  if (!state.config.autoApprove) return undefined;
  const hinted = request.login ? state.store.user(request.login) : undefined;
  return (hinted ?? state.store.user(state.config.autoApprove))?.login;
}

function approve(state: EmulatorState, res: Response, request: AuthorizationRequest, login: string): void {
  const { code } = state.codes.issue(request, login);
  redirectTo(res, request.returnTo, { code, state: request.state });
}

/** 302 to `target` with the parameters added to its query; null ones (an absent state) are left out. */
function redirectTo(res: Response, target: string, params: Record<string, string | null>): void {
  const url = new URL(target);
  for (const [key, value] of Object.entries(params)) {
    if (value !== null) url.searchParams.set(key, value);
  }
  res.redirect(302, url.href);
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set('Cache-Control', 'no-store').type('html').send(html);
}
