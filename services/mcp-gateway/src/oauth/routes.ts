import { Router } from 'express';
import { endpointCors } from '../http/cors.ts';
import { answerErrorsAsPages, errorHandler } from '../http/errors.ts';
import { methodNotAllowed } from '../http/method-not-allowed.ts';
import { readForm, readJson } from '../http/parameters.ts';
import { clientEndpointHeaders } from '../http/security-headers.ts';
import { STYLESHEET_PATH } from '../pages/render.ts';
import { accountPage, accountSignIn, revokeGrant, signOut } from './account/pages.ts';
import { sameOriginForm } from './browser/form-origin.ts';
import { errorViewOf } from './browser/views.ts';
import type { OauthContext } from './context.ts';
import { discoveryRoutes } from './discovery/routes.ts';
import { authorize, githubCallback } from './endpoints/authorize.ts';
import { decideConsent } from './endpoints/consent.ts';
import { deleteClient, readClient, registerClient, updateClient } from './endpoints/register.ts';
import { introspectionEndpoint, revocationEndpoint, tokenEndpoint } from './endpoints/token.ts';
import { homePage } from './home.ts';

/**
 * The one route table of the OAuth surface. Three kinds of route, each with its own plumbing:
 * public metadata (CORS for all), client endpoints (form or JSON in, OAuth JSON out, no-store,
 * CORS for the configured origins) and browser pages (HTML, errors as pages). Every error of
 * every route ends in the one error handler at the bottom.
 */
export function oauthRoutes(context: OauthContext): Router {
  const router = Router();
  const cors = endpointCors(context.corsAllowedOrigins);
  const form = readForm();
  const json = readJson();
  const page = [answerErrorsAsPages];
  const sameOrigin = sameOriginForm(context.settings.issuer);

  router.use(discoveryRoutes(context));

  // Client endpoints: JSON answers, never cached.
  for (const path of ['/oauth/token', '/oauth/revoke', '/oauth/introspect', '/oauth/register']) {
    router.use(path, cors, clientEndpointHeaders);
  }
  router.post('/oauth/token', form, tokenEndpoint(context));
  router.post('/oauth/revoke', form, revocationEndpoint(context));
  router.post('/oauth/introspect', form, introspectionEndpoint(context));
  router.post('/oauth/register', json, registerClient(context));
  router.get('/oauth/register/:client_id', readClient(context));
  router.put('/oauth/register/:client_id', json, updateClient(context));
  router.delete('/oauth/register/:client_id', deleteClient(context));
  router.all(
    ['/oauth/token', '/oauth/revoke', '/oauth/introspect', '/oauth/register'],
    methodNotAllowed('POST'),
  );
  router.all('/oauth/register/:client_id', methodNotAllowed('GET, PUT, DELETE'));

  // Browser pages: HTML answers, errors as pages.
  router.get('/oauth/authorize', page, authorize(context));
  router.get('/oauth/callback/github', page, githubCallback(context));
  router.post('/oauth/consent', page, sameOrigin, form, decideConsent(context));
  router.get('/account', page, accountPage(context));
  router.get('/account/sign-in', page, accountSignIn(context));
  router.post('/account/grants/:id/revoke', page, sameOrigin, form, revokeGrant(context));
  router.post('/account/logout', page, sameOrigin, form, signOut(context));
  router.get('/', page, homePage(context));
  router.get(STYLESHEET_PATH, context.pages.stylesheet);
  router.all(
    ['/oauth/authorize', '/oauth/callback/github', '/account/sign-in'],
    page,
    methodNotAllowed('GET'),
  );
  router.all('/oauth/consent', page, methodNotAllowed('POST'));

  router.use(
    errorHandler({
      logger: context.logger,
      renderErrorPage: (res, status, error) =>
        context.pages.render(res, 'error', errorViewOf(error), { status }),
    }),
  );
  return router;
}
