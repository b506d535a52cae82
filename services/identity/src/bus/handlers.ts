import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceHandlers } from '@gatehouse/bus';
import type { identity } from '@gatehouse/proto';
import type { Identity } from '../app.ts';
import type { AuthorizationStep } from '../authorization/step.ts';
import type { Origin } from '../request.ts';

/**
 * The one table of what identity answers on the bus (subjects in identity.proto). Each entry
 * translates the message to the domain call and the result back; errors are BusErrors already
 * and leave through the bus's single error path.
 */
export function identityHandlers(app: Identity): ServiceHandlers<typeof identity.IdentityService> {
  return {
    startAuthorization: async (request, call) =>
      stepMessage(
        await app.startAuthorization(
          { params: request.params, sessionId: request.sessionId, origin: originOf(request.origin) },
          call,
        ),
      ),

    completeUpstreamLogin: async (request, call) =>
      stepMessage(
        await app.completeUpstreamLogin(
          { params: request.params, sessionId: request.sessionId, origin: originOf(request.origin) },
          call,
        ),
      ),

    startAccountSignIn: async (request) =>
      stepMessage(await app.startAccountSignIn({ sessionId: request.sessionId })),

    decideConsent: async (request, call) =>
      stepMessage(
        await app.decideConsent(
          {
            pendingId: request.pendingId,
            sessionId: request.sessionId,
            csrfToken: request.csrfToken,
            approve: request.approve,
            origin: originOf(request.origin),
          },
          call,
        ),
      ),

    getSession: async (request) => {
      const session = await app.getSession(request.sessionId);
      return {
        userId: session.userId,
        githubLogin: session.githubLogin,
        avatarUrl: session.avatarUrl,
        csrfToken: session.csrfToken,
      };
    },

    endSession: async (request) => {
      await app.endSession(request.sessionId, request.origin && originOf(request.origin));
      return {};
    },

    getUpstreamToken: async (request) => upstreamTokenMessage(await app.getUpstreamToken(request.userId)),

    refreshUpstreamToken: async (request) =>
      upstreamTokenMessage(await app.refreshUpstreamToken(request.userId)),
  };
}

function originOf(origin: { ip: string; userAgent: string } | undefined): Origin {
  return { ip: origin?.ip ?? '', userAgent: origin?.userAgent ?? '' };
}

function stepMessage(step: AuthorizationStep): MessageInitShape<typeof identity.AuthorizationStepSchema> {
  const setSession = step.setSession && {
    id: step.setSession.id,
    maxAgeSeconds: step.setSession.maxAgeSeconds,
  };
  if ('redirectTo' in step) return { step: { case: 'redirectTo', value: step.redirectTo }, setSession };
  if ('consent' in step) return { step: { case: 'consent', value: step.consent }, setSession };
  return { step: { case: 'errorPage', value: step.errorPage }, setSession };
}

function upstreamTokenMessage(token: {
  accessToken: string;
  scopes: string[];
  expiresAt: Date | null;
  githubLogin: string;
}): MessageInitShape<typeof identity.UpstreamTokenSchema> {
  return {
    accessToken: token.accessToken,
    scopes: token.scopes,
    githubLogin: token.githubLogin,
    ...(token.expiresAt ? { expiresAt: timestampFromDate(token.expiresAt) } : {}),
  };
}
