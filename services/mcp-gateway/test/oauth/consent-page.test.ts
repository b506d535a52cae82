import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { createLogger } from '@gatehouse/logging';
import { identity } from '@gatehouse/proto';
import { describe, expect, test } from '@gatehouse/testing';
import express from 'express';
import { renderAuthorizationStep } from '../../src/oauth/browser/authorization-step.ts';
import type { OauthContext } from '../../src/oauth/context.ts';
import { createPages } from '../../src/pages/render.ts';

const TEMPLATES = new URL('../../src/pages/templates/', import.meta.url).pathname;
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

/** Renders one identity step through the real page code and returns the HTTP response. */
async function renderStep(
  step: identity.AuthorizationStep,
  publicUrl = 'https://gatehouse.test',
): Promise<Response> {
  const context = {
    pages: createPages(),
    logger: createLogger({ service: 'test', level: 'silent' }),
    settings: {
      issuer: publicUrl,
      resource: `${publicUrl}/mcp`,
      secureCookies: publicUrl.startsWith('https:'),
      sessionCookieName: publicUrl.startsWith('https:') ? '__Host-gatehouse_session' : 'gatehouse_session',
      resourceName: 'Gatehouse',
      resourceDocumentation: `${publicUrl}/`,
      serviceDocumentation: `${publicUrl}/`,
    },
  } as OauthContext;
  const app = express();
  app.get('/', (_req, res) => renderAuthorizationStep(context, res, step));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    return await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { redirect: 'manual' });
  } finally {
    server.close();
  }
}

function consentStep(overrides: MessageInitShape<typeof identity.ConsentPageSchema> = {}) {
  return create(identity.AuthorizationStepSchema, {
    step: {
      case: 'consent',
      value: {
        pendingId: 'pending-123',
        csrfToken: 'csrf-456',
        clientName: 'ChatGPT',
        clientId: 'https://chatgpt.com/oauth/abc/client.json',
        redirectHost: 'chatgpt.com',
        githubLogin: 'octocat',
        avatarUrl: 'https://avatars.githubusercontent.com/u/583231?v=4',
        scopes: [
          { name: 'repos:read', title: 'See your repositories', description: 'List your repositories.' },
          { name: 'issues:write', title: 'Open issues', description: 'Create issues in your name.' },
        ],
        unverifiedClient: false,
        ...overrides,
      },
    },
  });
}

describe('the consent page', () => {
  test('names the client, its redirect host, the GitHub account and each scope, with the form fields', async () => {
    const response = await renderStep(consentStep());
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<span class="client-name">ChatGPT</span> wants to use your GitHub account');
    expect(html).toContain('you go back to <strong>chatgpt.com</strong>');
    expect(html).toContain('<strong>@octocat</strong>');
    expect(html).toContain('<img class="avatar" src="https://avatars.githubusercontent.com/u/583231?v=4"');
    expect(html).toContain('<span class="scope-title">See your repositories</span>');
    expect(html).toContain('<span class="scope-description">Create issues in your name.</span>');
    expect(html).toContain('<input type="hidden" name="pending_id" value="pending-123">');
    expect(html).toContain('<input type="hidden" name="csrf_token" value="csrf-456">');
    expect(html).toContain('name="decision" value="approve"');
    expect(html).toContain('name="decision" value="deny"');
    expect(html).not.toContain('Unverified app');
    // The avatar host, and only it, joins img-src.
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self' https://avatars.githubusercontent.com; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  test('marks a metadata-document client as unverified and shows its client id', async () => {
    const html = await (await renderStep(consentStep({ unverifiedClient: true }))).text();
    expect(html).toContain('<strong>Unverified app.</strong>');
    expect(html).toContain('https://chatgpt.com/oauth/abc/client.json');
  });

  test('renders markup in every client-controlled field inert', async () => {
    const response = await renderStep(
      consentStep({
        clientName: HOSTILE,
        clientId: HOSTILE,
        redirectHost: HOSTILE,
        githubLogin: HOSTILE,
        pendingId: `"><script>alert(3)</script>`,
        csrfToken: HOSTILE,
        scopes: [{ name: HOSTILE, title: HOSTILE, description: HOSTILE }],
        unverifiedClient: true,
      }),
    );
    const html = await response.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).toContain('name="pending_id" value="&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"');
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;',
    );
  });

  test('drops an avatar that is not an http(s) URL', async () => {
    const response = await renderStep(consentStep({ avatarUrl: 'javascript:alert(1)' }));
    const html = await response.text();
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('class="avatar"');
    expect(response.headers.get('content-security-policy')).toContain("img-src 'self';");
  });

  test('sets the session cookie identity asks for: HttpOnly, SameSite=Lax, Path=/, Secure, __Host- on https', async () => {
    const step = consentStep();
    step.setSession = create(identity.SessionCookieSchema, {
      id: 'abcdefghijklmnopqrstuvwxyz012345',
      maxAgeSeconds: 43_200,
    });
    const secure = (await renderStep(step)).headers.get('set-cookie') ?? '';
    expect(secure).toMatch(
      /^__Host-gatehouse_session=abcdefghijklmnopqrstuvwxyz012345; Max-Age=43200; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/,
    );
    const plain = (await renderStep(step, 'http://localhost:8080')).headers.get('set-cookie') ?? '';
    expect(plain).toMatch(
      /^gatehouse_session=abcdefghijklmnopqrstuvwxyz012345; Max-Age=43200; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
  });
});

describe('other authorization steps', () => {
  test('a redirect is a 302 to exactly the URL identity built, not cached', async () => {
    const target =
      'https://chatgpt.com/connector/oauth/x?code=abc%2B1&state=s%20t&iss=https%3A%2F%2Fgatehouse.test';
    const response = await renderStep(
      create(identity.AuthorizationStepSchema, { step: { case: 'redirectTo', value: target } }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(target);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  test('an error page is a 400 page that never redirects, with its text escaped', async () => {
    const response = await renderStep(
      create(identity.AuthorizationStepSchema, {
        step: { case: 'errorPage', value: { error: 'invalid_redirect_uri', description: HOSTILE } },
      }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expect(html).toContain('This app cannot connect');
    expect(html).not.toMatch(/<script/i);
  });
});

describe('templates', () => {
  test('output data only through the escaping tag; raw output is for the layout body alone', () => {
    for (const file of readdirSync(TEMPLATES)) {
      const source = readFileSync(`${TEMPLATES}${file}`, 'utf8');
      const raw = source.match(/<%~[^%]*%>/g) ?? [];
      expect(
        raw.every((tag) => /^<%~\s*it\.body\s*%>$/.test(tag)),
        `${file}: ${raw.join(', ')}`,
      ).toBe(true);
    }
  });
});
