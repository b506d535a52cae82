/**
 * The event taxonomy: `<owner>.<noun>.<past_tense>`, published on `evt.<type>.v1`. The owner
 * (first segment) is the only service that publishes it. docs/audit.md lists the same entries;
 * a test keeps the two in step.
 */
export const EVENT_TYPES = {
  // identity: the authorization request, sign-in with GitHub, consent, sessions
  'identity.authorization.requested': 'An authorization request arrived and passed validation.',
  'identity.authorization.rejected':
    'An authorization request was refused (bad client, redirect, PKCE, scope, resource).',
  'identity.login.succeeded': 'A person signed in with GitHub.',
  'identity.login.failed': 'Sign-in with GitHub failed or was cancelled.',
  'identity.consent.granted': 'A person approved a client (or an earlier consent covered the request).',
  'identity.consent.denied': 'A person denied a client.',
  'identity.session.ended': 'A browser session was signed out.',
  'identity.upstream_token.refreshed': "A person's GitHub token was refreshed.",
  'identity.upstream_token.refresh_failed':
    "A person's GitHub token could not be refreshed; they must reconnect.",
  // token: clients, codes, tokens, grants, keys
  'token.client.registered': 'A client registered (RFC 7591).',
  'token.client.registration_rejected': 'A registration request was refused.',
  'token.client.updated': 'A client updated its registration (RFC 7592).',
  'token.client.deleted': 'A client deleted its registration (RFC 7592).',
  'token.code.issued': 'An authorization code was issued.',
  'token.code.redeemed': 'An authorization code was exchanged for tokens.',
  'token.code.replayed': 'A used authorization code was presented again; its grant was revoked.',
  'token.token.issued': 'Tokens were issued for an authorization code.',
  'token.token.rejected': 'A token request failed (client authentication, grant, PKCE, scope).',
  'token.refresh_token.rotated': 'A refresh token was exchanged for a new pair.',
  'token.refresh_token.reused':
    'A rotated refresh token was reused outside the grace window; the grant was revoked.',
  'token.token.revoked': 'A token was revoked at the revocation endpoint (RFC 7009).',
  'token.token.introspected': 'A token was introspected (RFC 7662).',
  'token.grant.revoked':
    'A grant and all its tokens were revoked; gateways refuse its access tokens at once.',
  'token.key.rotated': 'The signing keys were rotated.',
  // gateway: the public edge
  'gateway.tool.called': 'An MCP tool was called.',
  'gateway.token.rejected': 'A bearer token was refused at /mcp.',
  'gateway.rate_limit.exceeded': 'A client or address hit a rate limit.',
  'gateway.audit.queried':
    'An operator read the audit log through the admin API, or was refused for lack of the admin credential.',
} as const;

export type EventType = keyof typeof EVENT_TYPES;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_TYPES, value);
}

/** `evt.<type>.v1`: the JetStream subject of an event type. */
export function eventSubject(type: EventType): string {
  return `evt.${type}.v1`;
}
