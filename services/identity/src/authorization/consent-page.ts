import { SCOPES } from '@gatehouse/proto';
import type { PendingRequest } from './pending-request.ts';
import { redirectHost } from './redirect-uri.ts';
import type { ConsentPage } from './step.ts';

/** What the consent page shows: who asks, where the browser goes next, as whom, for what. */
export function consentPage(
  pendingId: string,
  pending: PendingRequest & { consent: NonNullable<PendingRequest['consent']> },
): ConsentPage {
  return {
    pendingId,
    csrfToken: pending.consent.csrfToken,
    clientName: pending.client.name,
    clientId: pending.client.id,
    clientUri: pending.client.uri,
    redirectHost: redirectHost(pending.redirectUri),
    githubLogin: pending.consent.githubLogin,
    avatarUrl: pending.consent.avatarUrl,
    scopes: pending.scopes.map((name) => ({
      name,
      title: SCOPES[name].title,
      description: SCOPES[name].description,
    })),
    // A metadata-document client is whoever controls that URL: nobody registered it with us.
    unverifiedClient: pending.client.kind === 'metadata_document',
  };
}
