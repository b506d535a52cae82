/**
 * OAuth scopes as GitHub treats them: a parent scope grants its children (`repo` grants
 * `public_repo`), so an endpoint accepting `public_repo` also accepts a token holding only `repo`.
 */
const IMPLIED_SCOPES: Record<string, string[]> = {
  repo: ['repo:status', 'repo_deployment', 'public_repo', 'repo:invite', 'security_events'],
  user: ['read:user', 'user:email', 'user:follow'],
  'admin:org': ['write:org', 'read:org', 'manage_runners:org'],
  'write:org': ['read:org'],
  'admin:public_key': ['write:public_key', 'read:public_key'],
  'write:public_key': ['read:public_key'],
  'admin:repo_hook': ['write:repo_hook', 'read:repo_hook'],
  'write:repo_hook': ['read:repo_hook'],
  'admin:gpg_key': ['write:gpg_key', 'read:gpg_key'],
  'write:gpg_key': ['read:gpg_key'],
  'write:packages': ['read:packages'],
  project: ['read:project'],
};

/** GitHub accepts scopes separated by spaces or commas and drops repeats. */
export function parseScopes(raw: string | readonly string[] | undefined | null): string[] {
  const parts = Array.isArray(raw) ? raw : String(raw ?? '').split(/[\s,]+/);
  return [...new Set(parts.map((scope) => scope.trim()).filter((scope) => scope.length > 0))];
}

/** True when the granted scopes include `needed` directly or through a parent scope. */
export function hasScope(granted: readonly string[], needed: string): boolean {
  return granted.some((scope) => scope === needed || (IMPLIED_SCOPES[scope] ?? []).includes(needed));
}

/** `X-OAuth-Scopes` and `X-Accepted-OAuth-Scopes` list scopes separated by ", ". */
export function scopesHeader(scopes: readonly string[]): string {
  return scopes.join(', ');
}
