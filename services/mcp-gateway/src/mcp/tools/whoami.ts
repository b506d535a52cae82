import { github } from '@gatehouse/proto';
import { z } from 'zod';
import { iso } from './shapes.ts';
import { defineTool } from './tool.ts';

/**
 * The upstream token as the worker masked it (`gho_…wxyz`), checked again here: whatever the
 * worker sends, at most four leading and four trailing characters are ever shown.
 */
export function maskToken(masked: string): string {
  const visible = masked.replaceAll('…', '');
  if (visible.length === 0) return '(hidden)';
  if (visible.length <= 8 && masked.length <= 9) return masked;
  // More than a mask: show its ends only if they are a small part of it.
  if (masked.length < 20) return '(hidden)';
  return `${masked.slice(0, 4)}…${masked.slice(-4)}`;
}

export const whoami = defineTool({
  name: 'whoami',
  title: 'Who am I on GitHub',
  description:
    'Use to check which GitHub account this connection acts as and what it is allowed to do. ' +
    'Returns the GitHub login, the scopes granted to this app, when the access expires, and a masked hint of the GitHub token.',
  scope: null,
  writes: false,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: z.strictObject({}),
  output: z.object({
    login: z.string(),
    name: z.string().nullable(),
    html_url: z.string(),
    avatar_url: z.string(),
    scopes: z.array(z.string()).describe('Gatehouse scopes granted to this app'),
    token_expires_at: z.string().describe('when this access token expires (ISO 8601)'),
    upstream_scopes: z.array(z.string()).describe('scopes of the GitHub token'),
    masked_upstream_token: z.string().describe('first and last four characters of the GitHub token'),
    upstream_token_expires_at: z.string().nullable(),
  }),
  widget: 'connect',
  invoking: 'Checking your GitHub connection…',
  invoked: 'GitHub connection checked',
  async run(_args, { bus, caller, token, timeoutMs }) {
    const viewer = await bus.request(github.GitHubService.method.getViewer, { caller }, { timeoutMs });
    const scopes = [...token.scopes];
    return {
      structuredContent: {
        login: viewer.login,
        name: viewer.name || null,
        html_url: viewer.htmlUrl,
        avatar_url: viewer.avatarUrl,
        scopes,
        token_expires_at: new Date(token.expiresAt * 1000).toISOString(),
        upstream_scopes: [...viewer.upstreamScopes],
        masked_upstream_token: maskToken(viewer.maskedToken),
        upstream_token_expires_at: iso(viewer.upstreamExpiresAt),
      },
      text: `Connected to GitHub as ${viewer.login} with scopes: ${scopes.join(', ') || 'none'}.`,
      githubRequestId: viewer.githubRequestId,
    };
  },
});
