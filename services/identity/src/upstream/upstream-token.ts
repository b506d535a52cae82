import { busError } from '@gatehouse/bus';
import { reconnectGitHub } from '../errors.ts';
import type { UserStore } from '../store/ports.ts';
import type { TokenVault, UpstreamTokenView } from './token-vault.ts';

export interface UpstreamTokenDeps {
  users: UserStore;
  vault: TokenVault;
}

/** User ids are UUIDs; anything else is a caller's mistake, refused before any lookup. */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The person's GitHub token for the worker (refreshed first if it is about to expire). */
export function getUpstreamToken(deps: UpstreamTokenDeps, userId: string) {
  return withLogin(deps, userId, () => deps.vault.get(userId));
}

/** GitHub refused the token: refresh it, or tell the worker the person must reconnect GitHub. */
export function refreshUpstreamToken(deps: UpstreamTokenDeps, userId: string) {
  return withLogin(deps, userId, () => deps.vault.refresh(userId));
}

async function withLogin(
  deps: UpstreamTokenDeps,
  userId: string,
  token: () => Promise<UpstreamTokenView>,
): Promise<UpstreamTokenView & { githubLogin: string }> {
  if (!USER_ID.test(userId)) throw busError('invalid_request', 'user_id must be a user id.');
  const user = await deps.users.find(userId);
  if (!user) throw reconnectGitHub('unknown_user');
  return { ...(await token()), githubLogin: user.githubLogin };
}
