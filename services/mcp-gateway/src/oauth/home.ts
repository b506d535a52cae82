import { ALL_SCOPES } from '@gatehouse/proto';
import type { RequestHandler } from 'express';
import { scopeView } from './account/grant-view.ts';
import type { OauthContext } from './context.ts';

/** GET /: what this server is and the URL to connect (the default resource and service documentation). */
export function homePage(context: OauthContext): RequestHandler {
  const view = {
    resourceName: context.settings.resourceName,
    resource: context.settings.resource,
    scopes: ALL_SCOPES.map(scopeView),
  };
  return (_req, res) => {
    context.pages.render(res, 'home', view);
  };
}
