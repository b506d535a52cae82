import type { ClientDirectory } from '../clients/client.ts';
import type { Consents } from '../consents/consents.ts';
import type { EventSink } from '../events.ts';
import type { Sessions } from '../sessions/sessions.ts';
import type { PendingRequestStore, UpstreamStateStore, UserStore } from '../store/ports.ts';
import type { GitHubOAuth } from '../upstream/github-oauth.ts';
import type { TokenVault } from '../upstream/token-vault.ts';
import type { CodeIssuer } from './code-issuer.ts';
import type { AuthorizationPolicy } from './validate-request.ts';

/** Everything the browser flow (start, GitHub callback, consent) works with. */
export interface AuthorizationDeps {
  policy: AuthorizationPolicy;
  pendingTtlMs: number;
  clients: ClientDirectory;
  codes: CodeIssuer;
  github: GitHubOAuth;
  vault: TokenVault;
  users: UserStore;
  consents: Consents;
  sessions: Sessions;
  pending: PendingRequestStore;
  upstreamStates: UpstreamStateStore;
  events: EventSink;
}
