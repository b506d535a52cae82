import type { Client } from '../clients/client.ts';
import type { AuthorizationRequest } from './validate-request.ts';

/**
 * A validated authorization request waiting for sign-in and consent (Redis, PENDING_REQUEST_TTL).
 * It holds what the consent page shows and what IssueCode needs, so the client is not resolved again.
 */
export interface PendingRequest extends Omit<AuthorizationRequest, 'client'> {
  client: Pick<Client, 'id' | 'name' | 'uri' | 'kind'>;
  /** Set when the consent page is shown: who may decide, in which session, with which CSRF token. */
  consent?: {
    userId: string;
    githubLogin: string;
    avatarUrl: string;
    /** Digest of the session id the page was shown in. */
    session: string;
    csrfToken: string;
  };
}
