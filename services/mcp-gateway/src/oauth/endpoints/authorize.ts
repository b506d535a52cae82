import { identity } from '@gatehouse/proto';
import type { RequestHandler } from 'express';
import { requestOrigin } from '../../http/client-ip.ts';
import { queryParameters } from '../../http/parameters.ts';
import { addressKey } from '../../http/rate-limit.ts';
import { renderAuthorizationStep } from '../browser/authorization-step.ts';
import { readSessionId } from '../browser/session-cookie.ts';
import type { OauthContext } from '../context.ts';

/**
 * GET /oauth/authorize (RFC 6749 §4.1.1). Identity validates the request and decides the next
 * step. A repeated parameter is refused here with an error page: until the client and redirect
 * URI are validated there is nowhere safe to redirect the error to.
 */
export function authorize(context: OauthContext): RequestHandler {
  return async (req, res) => {
    const origin = requestOrigin(req);
    await context.limiters.authorizePerIp.consume({ key: addressKey(origin.ip), origin });
    const params = queryParameters(req);
    const step = await context.bus.request(
      identity.IdentityService.method.startAuthorization,
      { params, sessionId: readSessionId(req, context.settings), origin },
      context.busOptions,
    );
    renderAuthorizationStep(context, res, step);
  };
}

/** GET /oauth/callback/github: GitHub sent the browser back with `code` and `state` (or an `error`). */
export function githubCallback(context: OauthContext): RequestHandler {
  return async (req, res) => {
    const origin = requestOrigin(req);
    await context.limiters.authorizePerIp.consume({ key: addressKey(origin.ip), origin });
    const params = queryParameters(req);
    const step = await context.bus.request(
      identity.IdentityService.method.completeUpstreamLogin,
      { params, sessionId: readSessionId(req, context.settings), origin },
      context.busOptions,
    );
    renderAuthorizationStep(context, res, step);
  };
}
