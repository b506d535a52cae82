import { BusError, busError } from '@gatehouse/bus';
import { identity, token } from '@gatehouse/proto';
import type { Request, RequestHandler, Response } from 'express';
import { requestOrigin } from '../../http/client-ip.ts';
import { formParameters } from '../../http/parameters.ts';
import { addressKey } from '../../http/rate-limit.ts';
import { renderAuthorizationStep } from '../browser/authorization-step.ts';
import { clearSessionCookie, readSessionId } from '../browser/session-cookie.ts';
import { avatarOrigin } from '../browser/views.ts';
import type { OauthContext } from '../context.ts';
import { csrfTokenMatches } from './csrf.ts';
import { grantView } from './grant-view.ts';

/** Messages after a redirect back to /account: fixed texts chosen by key, never reflected input. */
const NOTICES: Record<string, string> = {
  revoked: 'Access revoked. The app can no longer use your GitHub account.',
  'signed-out': 'You have signed out.',
};

const GRANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

type Session = identity.Session;

/** The browser's session, or undefined when it has none or identity no longer knows it. */
async function currentSession(context: OauthContext, req: Request): Promise<Session | undefined> {
  const sessionId = readSessionId(req, context.settings);
  if (!sessionId) return undefined;
  try {
    const session = await context.bus.request(
      identity.IdentityService.method.getSession,
      { sessionId },
      context.busOptions,
    );
    return session.userId ? session : undefined;
  } catch (error) {
    // An expired or unknown session is a signed-out browser; a failing service is not.
    if (error instanceof BusError && error.httpStatus < 500) return undefined;
    throw error;
  }
}

async function countRequest(context: OauthContext, req: Request): Promise<void> {
  const origin = requestOrigin(req);
  await context.limiters.accountPerIp.consume({ key: addressKey(origin.ip), origin });
}

function noticeOf(req: Request): string {
  const key = typeof req.query.notice === 'string' ? req.query.notice : '';
  return Object.hasOwn(NOTICES, key) ? NOTICES[key]! : '';
}

/** GET /account: the signed-in person's connected apps, or how to sign in. */
export function accountPage(context: OauthContext): RequestHandler {
  return async (req, res) => {
    await countRequest(context, req);
    const session = await currentSession(context, req);
    if (!session) {
      if (readSessionId(req, context.settings)) clearSessionCookie(res, context.settings);
      context.pages.render(res, 'signed-out', { notice: noticeOf(req) });
      return;
    }
    const { grants } = await context.bus.request(
      token.TokenService.method.listGrants,
      { userId: session.userId },
      context.busOptions,
    );
    const avatar = avatarOrigin(session.avatarUrl);
    context.pages.render(
      res,
      'account',
      {
        githubLogin: session.githubLogin,
        avatarUrl: avatar ? session.avatarUrl : '',
        csrfToken: session.csrfToken,
        grants: grants.map((grant) => grantView(grant)),
        notice: noticeOf(req),
      },
      avatar ? { imageOrigins: [avatar] } : {},
    );
  };
}

/**
 * GET /account/sign-in: "Sign in with GitHub" from the signed-out page. Identity binds the sign-in
 * to this browser's cookie (setting one if needed) and answers with the redirect to GitHub, or
 * straight back to /account when the browser is already signed in.
 */
export function accountSignIn(context: OauthContext): RequestHandler {
  return async (req, res) => {
    await countRequest(context, req);
    const step = await context.bus.request(
      identity.IdentityService.method.startAccountSignIn,
      { sessionId: readSessionId(req, context.settings), origin: requestOrigin(req) },
      context.busOptions,
    );
    renderAuthorizationStep(context, res, step);
  };
}

/**
 * The session behind a form post, after its CSRF token matched the session's. A missing token is
 * refused before asking identity anything.
 */
async function formSession(context: OauthContext, req: Request): Promise<Session> {
  const submitted = formParameters(req).csrf_token ?? '';
  if (submitted === '')
    throw busError('invalid_request', 'The form is missing its CSRF token.', { httpStatus: 403 });
  const session = await currentSession(context, req);
  if (!session)
    throw busError('invalid_request', 'Your session has ended; sign in again.', { httpStatus: 403 });
  if (!csrfTokenMatches(submitted, session.csrfToken)) {
    throw busError('invalid_request', 'The form has expired; reload the page and try again.', {
      httpStatus: 403,
      reason: 'csrf token mismatch',
    });
  }
  return session;
}

/** Post/Redirect/Get: a reload of the result page never re-posts the form. */
function backToAccount(res: Response, notice: keyof typeof NOTICES): void {
  res.set('Cache-Control', 'no-store').redirect(303, `/account?notice=${notice}`);
}

/** POST /account/grants/:id/revoke: revokes one grant; its tokens stop working at once. */
export function revokeGrant(context: OauthContext): RequestHandler {
  return async (req, res) => {
    await countRequest(context, req);
    const grantId = String(req.params.id ?? '');
    if (!GRANT_ID.test(grantId)) throw busError('not_found', 'No such connected app.');
    const session = await formSession(context, req);
    await context.bus.request(
      token.TokenService.method.revokeGrant,
      { userId: session.userId, grantId, origin: requestOrigin(req) },
      context.busOptions,
    );
    backToAccount(res, 'revoked');
  };
}

/** POST /account/logout: ends the session at identity and clears the cookie. */
export function signOut(context: OauthContext): RequestHandler {
  return async (req, res) => {
    await countRequest(context, req);
    await formSession(context, req);
    await context.bus.request(
      identity.IdentityService.method.endSession,
      { sessionId: readSessionId(req, context.settings), origin: requestOrigin(req) },
      context.busOptions,
    );
    clearSessionCookie(res, context.settings);
    backToAccount(res, 'signed-out');
  };
}
