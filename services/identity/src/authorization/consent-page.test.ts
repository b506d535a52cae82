import { describe, expect, test } from 'vitest';
import { consentPage } from './consent-page.ts';
import type { PendingRequest } from './pending-request.ts';

const pending = {
  client: {
    id: 'https://client.example/meta.json',
    name: 'Example',
    uri: 'https://client.example',
    kind: 'metadata_document',
  },
  redirectUri: 'https://client.example:8443/callback?x=1',
  state: 's',
  codeChallenge: 'c',
  scopes: ['repos:read', 'issues:write'],
  resource: 'https://gh.example/mcp',
  prompt: [],
  consent: {
    userId: 'u',
    githubLogin: 'octocat',
    avatarUrl: 'https://avatars.example/u/1',
    session: 'digest',
    csrfToken: 'csrf',
  },
} satisfies PendingRequest;

describe('the consent page', () => {
  test('names the client, the redirect host, the account and each scope from the catalog', () => {
    expect(consentPage('p1', pending)).toEqual({
      pendingId: 'p1',
      csrfToken: 'csrf',
      clientName: 'Example',
      clientId: 'https://client.example/meta.json',
      clientUri: 'https://client.example',
      redirectHost: 'client.example:8443',
      githubLogin: 'octocat',
      avatarUrl: 'https://avatars.example/u/1',
      scopes: [
        {
          name: 'repos:read',
          title: 'See your repositories',
          description: 'List your repositories and branches, and read their details, including private ones.',
        },
        {
          name: 'issues:write',
          title: 'Open issues',
          description: 'Create issues in your name in repositories you can write to.',
        },
      ],
      unverifiedClient: true,
    });
  });

  test('marks only metadata-document clients as unverified', () => {
    const registered = { ...pending, client: { ...pending.client, kind: 'registered' as const } };
    expect(consentPage('p1', registered).unverifiedClient).toBe(false);
  });

  test('shows a custom-scheme redirect by its scheme', () => {
    expect(consentPage('p1', { ...pending, redirectUri: 'com.example.app:/oauth' }).redirectHost).toBe(
      'com.example.app',
    );
  });
});
