/**
 * The scopes Gatehouse grants, shared by the consent screen, the metadata documents, the token
 * service and the gateway's tool checks. `upstream` is the GitHub OAuth scope the person's GitHub
 * token needs for it (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps).
 */
export const SCOPES = {
  'repos:read': {
    title: 'See your repositories',
    description: 'List your repositories and branches, and read their details, including private ones.',
    upstream: 'repo',
  },
  'issues:read': {
    title: 'Read issues and pull requests',
    description: 'List and search issues and pull requests in repositories you can see.',
    upstream: 'repo',
  },
  'issues:write': {
    title: 'Open issues',
    description: 'Create issues in your name in repositories you can write to.',
    upstream: 'repo',
  },
  'pulls:write': {
    title: 'Open pull requests',
    description: 'Open pull requests in your name between existing branches.',
    upstream: 'repo',
  },
} as const;

export type Scope = keyof typeof SCOPES;

export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}

/** Splits a space-delimited scope string (RFC 6749 §3.3) into unique, non-empty tokens. */
export function parseScope(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(' ').filter((token) => token.length > 0))];
}

/** The GitHub scopes a set of Gatehouse scopes needs upstream, deduplicated and sorted. */
export function upstreamScopes(scopes: readonly Scope[]): string[] {
  return [...new Set(scopes.map((scope) => SCOPES[scope].upstream))].sort();
}
