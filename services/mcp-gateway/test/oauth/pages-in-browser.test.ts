import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, launchChromium, test } from '@gatehouse/testing';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { setPageHeaders } from '../../src/http/security-headers.ts';
import { createPages, STYLESHEET_PATH } from '../../src/pages/render.ts';
import type { AccountView, ConsentView } from '../../src/pages/views.ts';

const SCREENSHOTS = new URL('../../../../docs/images/', import.meta.url).pathname;

// An inline SVG avatar, served by the test server itself so the page's CSP allows it.
const AVATAR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" fill="#6e40c9"/><circle cx="20" cy="16" r="7" fill="#fff"/><rect x="9" y="26" width="22" height="10" rx="5" fill="#fff"/></svg>`;

const consent: ConsentView = {
  pendingId: 'pending-id',
  csrfToken: 'csrf-token',
  clientName: 'ChatGPT',
  clientId: 'https://chatgpt.com/oauth/5f2c/client.json',
  redirectHost: 'chatgpt.com',
  githubLogin: 'octocat',
  avatarUrl: '/avatar.svg',
  unverifiedClient: true,
  scopes: [
    {
      name: 'repos:read',
      title: 'See your repositories',
      description: 'List your repositories and branches, and read their details, including private ones.',
    },
    {
      name: 'issues:read',
      title: 'Read issues and pull requests',
      description: 'List and search issues and pull requests in repositories you can see.',
    },
    {
      name: 'issues:write',
      title: 'Open issues',
      description: 'Create issues in your name in repositories you can write to.',
    },
  ],
};

const account: AccountView = {
  githubLogin: 'octocat',
  avatarUrl: '/avatar.svg',
  csrfToken: 'csrf-token',
  notice: '',
  grants: [
    {
      id: 'g1',
      clientName: 'ChatGPT',
      redirectHost: 'chatgpt.com',
      scopes: consent.scopes,
      grantedAt: { iso: '2026-11-02T09:12:00.000Z', text: 'Nov 2, 2026' },
      lastUsed: { iso: '2026-11-23T08:12:00.000Z', text: '2 hours ago' },
    },
    {
      id: 'g2',
      clientName: 'Claude',
      redirectHost: 'claude.ai',
      scopes: [consent.scopes[0]!],
      grantedAt: { iso: '2026-10-14T16:40:00.000Z', text: 'Oct 14, 2026' },
      lastUsed: null,
    },
  ],
};

/** The real renderer behind a tiny server; `/submit` answers a form post with a cross-origin 302. */
async function pageServer(redirectTarget: () => string): Promise<{ url: string; server: Server }> {
  const pages = createPages();
  const app = express();
  app.get(STYLESHEET_PATH, pages.stylesheet);
  app.get('/avatar.svg', (_req, res) => res.type('image/svg+xml').send(AVATAR_SVG));
  app.get('/consent', (_req, res) => pages.render(res, 'consent', consent));
  app.get('/account', (_req, res) => pages.render(res, 'account', account));
  app.get('/signed-out', (_req, res) => pages.render(res, 'signed-out', { notice: '' }));
  app.get('/form', (_req, res) => {
    setPageHeaders(res);
    res
      .type('html')
      .send(
        '<form method="post" action="/submit"><button id="redirect">302</button></form>' +
          '<form method="post" action="/submit-page"><button id="page">page</button></form>',
      );
  });
  app.post('/submit', (_req, res) => res.status(302).set('Location', redirectTarget()).end());
  app.post('/submit-page', (_req, res) =>
    pages.render(res, 'continue', { url: redirectTarget(), destination: new URL(redirectTarget()).host }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the pages in a real browser', () => {
  let browser: Browser;
  let site: { url: string; server: Server };
  let client: { url: string; server: Server };

  test.beforeAll(async () => {
    browser = await launchChromium();
    client = await pageServer(() => '');
    site = await pageServer(() => `${client.url}/callback?code=abc&state=xyz`);
  });
  test.afterAll(async () => {
    await browser?.close();
    site?.server.close();
    client?.server.close();
  });

  async function open(path: string, options: { width: number; dark?: boolean }): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: options.width, height: 900 },
      colorScheme: options.dark ? 'dark' : 'light',
      deviceScaleFactor: 2,
    });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${site.url}${path}`);
    expect(violations).toEqual([]);
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const image = await page.screenshot({ fullPage: true });
    expect(image.length).toBeGreaterThan(10_000);
    if (process.env.UPDATE_SCREENSHOTS) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      writeFileSync(`${SCREENSHOTS}${name}`, image);
    }
  }

  test.each([
    ['phone', 375],
    ['desktop', 1280],
  ])(
    'the consent page fits a %s screen, loads its styles and avatar under the CSP',
    async (_label, width) => {
      const page = await open('/consent', { width });
      const layout = await page.evaluate(() => ({
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        styled: getComputedStyle(document.querySelector('.button-primary')!).backgroundColor,
        avatarLoaded: (document.querySelector('img.avatar') as HTMLImageElement).naturalWidth > 0,
        lang: document.documentElement.lang,
      }));
      expect(layout.overflow).toBe(0);
      expect(layout.styled).not.toBe('rgba(0, 0, 0, 0)');
      expect(layout.avatarLoaded).toBe(true);
      expect(layout.lang).toBe('en');
      if (width === 1280) await screenshot(page, 'consent.png');
      else await screenshot(page, 'consent-phone.png');
      await page.context().close();
    },
  );

  test('keyboard users see where focus is: the buttons get a visible outline', async () => {
    const page = await open('/consent', { width: 1280 });
    // Skip link, brand, the unverified notice has no links, the Connected apps link, then Deny, Approve.
    let focused = '';
    for (let i = 0; i < 8 && focused !== 'approve'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.value ?? '');
    }
    expect(focused).toBe('approve');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    await page.context().close();
  });

  test('the connected apps page renders each grant with a revoke button, light and dark', async () => {
    const page = await open('/account', { width: 1280 });
    expect(await page.locator('li.grant').count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Revoke access for ChatGPT' }).count()).toBe(1);
    await screenshot(page, 'account.png');
    await page.context().close();
    const dark = await open('/account', { width: 375, dark: true });
    const overflow = await dark.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    await screenshot(dark, 'account-phone-dark.png');
    await dark.context().close();
  });

  test('the signed-out page leads with a keyboard-reachable "Sign in with GitHub", light and dark', async () => {
    const page = await open('/signed-out', { width: 1280 });
    const link = page.getByRole('link', { name: 'Sign in with GitHub' });
    expect(await link.getAttribute('href')).toBe('/account/sign-in');
    await screenshot(page, 'account-signed-out.png');
    // Skip link, brand, the Connected apps link, then the sign-in button.
    let focused = '';
    for (let i = 0; i < 6 && focused !== '/account/sign-in'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('href') ?? '');
    }
    expect(focused).toBe('/account/sign-in');
    const style = await page.evaluate(() => {
      const element = document.activeElement!;
      const computed = getComputedStyle(element);
      return {
        outline: computed.outlineStyle,
        color: computed.color,
        height: element.getBoundingClientRect().height,
      };
    });
    expect(style.outline).toBe('solid');
    expect(style.color).toBe('rgb(255, 255, 255)');
    expect(style.height).toBeGreaterThanOrEqual(44);
    await page.context().close();
    const dark = await open('/signed-out', { width: 375, dark: true });
    const overflow = await dark.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    await screenshot(dark, 'account-signed-out-phone-dark.png');
    await dark.context().close();
  });

  test("Chromium refuses a cross-origin 302 after a form post under form-action 'self'", async () => {
    // Why the consent decision is answered with a page and not a redirect (authorization-step.ts).
    const page = await open('/form', { width: 800 });
    const messages: string[] = [];
    page.on('console', (message) => messages.push(message.text()));
    await page.click('#redirect');
    await page.waitForTimeout(500);
    expect(page.url()).toBe(`${site.url}/form`);
    expect(
      messages.some((text) =>
        /violates the following Content Security Policy directive: "form-action 'self'"/.test(text),
      ),
    ).toBe(true);
    await page.context().close();
  });

  test('the page answering a form post takes the browser on to the client, under the same CSP', async () => {
    const page = await open('/form', { width: 800 });
    await Promise.all([
      page.waitForURL(`${client.url}/callback?code=abc&state=xyz`, { timeout: 5_000 }),
      page.click('#page'),
    ]);
    await page.context().close();
  });
});
