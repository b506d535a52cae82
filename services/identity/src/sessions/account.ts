import { busError } from '@gatehouse/bus';
import { type EventSink, emitEvent } from '../events.ts';
import type { Origin } from '../request.ts';
import type { Session, Sessions } from './sessions.ts';

/** The signed-in person behind a cookie, for the gateway's /account page. */
export async function getSession(sessions: Sessions, sessionId: string): Promise<Session> {
  const session = await sessions.find(sessionId);
  if (!session) throw busError('not_found', 'Not signed in.');
  return session;
}

/** Signs the browser out. Ending an unknown or already-ended session is not an error. */
export async function endSession(
  deps: { sessions: Sessions; events: EventSink },
  sessionId: string,
  origin: Origin | undefined,
): Promise<void> {
  const ended = await deps.sessions.end(sessionId);
  if (!ended) return;
  emitEvent(deps.events, 'identity.session.ended', {
    outcome: 'success',
    origin,
    user: { id: ended.userId, githubLogin: ended.githubLogin },
  });
}
