import { busError } from '@gatehouse/bus';
import { identity } from '@gatehouse/proto';
import type { RequestHandler } from 'express';
import { requestOrigin } from '../../http/client-ip.ts';
import { formParameters } from '../../http/parameters.ts';
import { addressKey } from '../../http/rate-limit.ts';
import { renderAuthorizationStep } from '../browser/authorization-step.ts';
import { readSessionId } from '../browser/session-cookie.ts';
import type { OauthContext } from '../context.ts';

/**
 * POST /oauth/consent: the person's decision on the consent page. Identity checks the CSRF token
 * against the pending request and the session, and answers with the redirect to the client.
 */
export function decideConsent(context: OauthContext): RequestHandler {
  return async (req, res) => {
    const origin = requestOrigin(req);
    await context.limiters.authorizePerIp.consume({ key: addressKey(origin.ip), origin });
    const form = formParameters(req);
    const { pending_id: pendingId, csrf_token: csrfToken, decision = '' } = form;
    if (!pendingId || !csrfToken) {
      throw busError(
        'invalid_request',
        'The consent form is incomplete. Start connecting again from the app.',
      );
    }
    const approve = decision === 'approve' ? true : decision === 'deny' ? false : undefined;
    if (approve === undefined) throw busError('invalid_request', 'The decision must be approve or deny.');
    const step = await context.bus.request(
      identity.IdentityService.method.decideConsent,
      { pendingId, csrfToken, approve, sessionId: readSessionId(req, context.settings), origin },
      context.busOptions,
    );
    renderAuthorizationStep(context, res, step, { afterFormPost: true });
  };
}
