import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, launchChromium, test } from '@gatehouse/testing';
import type { Browser, Page } from 'playwright-core';
import { builtWidgets } from './harness.ts';
import {
  connectOutput,
  createdIssueOutput,
  createdPullOutput,
  issuesOutput,
  repositoriesOutput,
  searchOutput,
} from './widget-samples.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
// Screenshots for the docs are rewritten only on request, so a test run leaves the tree clean:
// UPDATE_WIDGET_SCREENSHOTS=1 npx vitest run services/mcp-gateway/test/mcp/widgets.test.ts
const SHOTS = process.env.UPDATE_WIDGET_SCREENSHOTS
  ? join(ROOT, 'docs/images')
  : await mkdtemp(join(tmpdir(), 'widget-shots-'));

const WIDGET_ORIGIN = 'https://widget.test';

interface Recorded {
  calls: Array<{ name: string; args: Record<string, unknown> }>;
  opened: string[];
}

let browser: Browser;
let dir: string;

/**
 * Opens a widget the way ChatGPT does: `window.openai` is in place before the page's scripts run
 * (toolOutput, theme, callTool, openExternal), recording what the widget asks of the host.
 */
async function openWidget(
  name: string,
  options: {
    output: unknown;
    meta?: Record<string, unknown>;
    theme?: 'light' | 'dark';
    toolResult?: unknown;
  },
): Promise<{ page: Page; requests: string[]; recorded: () => Promise<Recorded> }> {
  const page = await browser.newPage({ viewport: { width: 680, height: 400 }, deviceScaleFactor: 1.5 });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const html = await readFile(join(dir, `${name}.html`), 'utf8');
  await page.route(`${WIDGET_ORIGIN}/**`, (route) => route.fulfill({ body: html, contentType: 'text/html' }));
  await page.addInitScript(
    ({ output, meta, theme, toolResult }) => {
      const recorded = { calls: [] as unknown[], opened: [] as string[] };
      (window as unknown as { __recorded: unknown }).__recorded = recorded;
      (window as unknown as { openai: unknown }).openai = {
        toolOutput: output,
        toolResponseMetadata: meta ?? null,
        theme,
        callTool: async (toolName: string, args: unknown) => {
          recorded.calls.push({ name: toolName, args });
          return toolResult;
        },
        openExternal: ({ href }: { href: string }) => recorded.opened.push(href),
        sendFollowUpMessage: async () => {},
      };
    },
    {
      output: options.output,
      meta: options.meta,
      theme: options.theme ?? 'light',
      toolResult: options.toolResult,
    },
  );
  await page.goto(`${WIDGET_ORIGIN}/${name}.html`);
  await page.waitForSelector('#root > *');
  return {
    page,
    requests,
    recorded: () => page.evaluate(() => (window as unknown as { __recorded: Recorded }).__recorded),
  };
}

async function screenshot(page: Page, file: string): Promise<void> {
  await page.locator('#root').screenshot({ path: join(SHOTS, file), animations: 'disabled' });
}

describe('widgets in headless Chromium', () => {
  test.beforeAll(async () => {
    dir = await builtWidgets();
    await mkdir(SHOTS, { recursive: true });
    browser = await launchChromium();
  });
  test.afterAll(async () => {
    await browser?.close();
  });

  test("the widget sources type-check with the monorepo's strict settings (the root program leaves them out)", async () => {
    const { status, stdout, stderr } = spawnSync(
      join(ROOT, 'node_modules/.bin/tsc'),
      ['-p', join(ROOT, 'services/mcp-gateway/widgets/tsconfig.json')],
      { encoding: 'utf8' },
    );
    expect(stdout + stderr).toBe('');
    expect(status).toBe(0);
  });

  test('the repository list shows each repository and asks for its issues through the host', async () => {
    const { page, requests, recorded } = await openWidget('repositories', {
      output: repositoriesOutput,
      toolResult: { structuredContent: issuesOutput, content: [{ type: 'text', text: '4 issues' }] },
    });
    const rows = page.locator('li.row[data-repository]');
    await expect.poll(() => rows.count()).toBe(3);
    const first = rows.nth(0);
    expect(await first.locator('.title').innerText()).toContain('octocat/hello-world');
    expect(await first.locator('[data-field=visibility]').innerText()).toBe('Public');
    expect(await first.locator('[data-field=language]').innerText()).toBe('TypeScript');
    expect(await first.locator('[data-field=open-issues]').innerText()).toBe('12 open issues');
    expect(await first.locator('[data-field=updated]').innerText()).toBe('Updated 2 hours ago');
    expect(await rows.nth(1).locator('[data-field=visibility]').innerText()).toBe('Private');
    expect(await rows.nth(2).innerText()).toContain('Archived');
    expect(await page.locator('footer').innerText()).toContain('More repositories available');

    await screenshot(page, 'widget-repositories.png');
    await first.locator('[data-action=show-issues]').click();
    await page.waitForSelector('li.row[data-repository="octocat/hello-world"] .nested li');
    expect((await recorded()).calls).toEqual([
      { name: 'list_issues', args: { owner: 'octocat', repo: 'hello-world', state: 'open', per_page: 5 } },
    ]);
    expect(await first.locator('.nested').innerText()).toContain('#42');

    await rows.nth(1).locator('[data-action=open]').click();
    expect((await recorded()).opened).toEqual(['https://github.com/octocat/infra']);
    // Self-contained: the page itself is the only request it makes.
    expect(requests).toEqual([`${WIDGET_ORIGIN}/repositories.html`]);
    await page.close();
  });

  test('the issue list shows state, labels and assignees, and treats titles as text', async () => {
    const hostile = {
      ...issuesOutput,
      issues: [
        { ...issuesOutput.issues[0]!, title: '<img src=x onerror="window.pwned=1"> injected' },
        ...issuesOutput.issues.slice(1),
      ],
    };
    const { page } = await openWidget('issues', { output: hostile });
    const rows = page.locator('li.row');
    expect(await rows.count()).toBe(4);
    expect(await rows.nth(0).locator('.title').innerText()).toContain(
      '<img src=x onerror="window.pwned=1"> injected',
    );
    expect(await page.locator('#root img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await rows.nth(0).locator('.label').allInnerTexts()).toEqual(['bug', 'auth']);
    expect(await rows.nth(0).innerText()).toContain('assigned to octocat');
    expect(await rows.nth(3).locator('.state-closed').count()).toBe(1);
    await page.close();

    const shot = await openWidget('issues', { output: issuesOutput });
    await screenshot(shot.page, 'widget-issues.png');
    await shot.page.close();
    const search = await openWidget('issues', { output: searchOutput });
    expect(await search.page.locator('.card-header').innerText()).toContain('Search: is:open label:bug');
    await search.page.close();
  });

  test('the created card links to the new issue or pull request', async () => {
    const { page, recorded } = await openWidget('created', { output: createdIssueOutput });
    expect(await page.locator('.card-header').innerText()).toContain('Issue created');
    expect(await page.locator('.title').innerText()).toContain('Show the GitHub request id in tool errors');
    await screenshot(page, 'widget-created.png');
    await page.locator('[data-action=open]').click();
    expect((await recorded()).opened).toEqual(['https://github.com/octocat/hello-world/issues/43']);
    await page.close();

    const pull = await openWidget('created', { output: createdPullOutput, theme: 'dark' });
    expect(await pull.page.locator('.card-header').innerText()).toContain('Draft pull request created');
    expect(await pull.page.locator('[data-field=branches]').textContent()).toBe('feature/retry-after → main');
    await screenshot(pull.page, 'widget-created-pull-request-dark.png');
    await pull.page.close();
  });

  test('the connection card shows the account, the granted access and only a masked token', async () => {
    const { page } = await openWidget('connect', { output: connectOutput });
    expect(await page.locator('.title').innerText()).toBe('The Octocat');
    expect(await page.locator('[data-field=scopes] li').allInnerTexts()).toEqual([
      'See your repositories',
      'Read issues and pull requests',
      'Open issues',
    ]);
    expect(await page.locator('[data-field=masked-token]').innerText()).toBe('gho_…x9Qa');
    await screenshot(page, 'widget-connect.png');
    await page.close();
  });

  test('the connect prompt appears when a call failed for lack of access', async () => {
    const stepUp = await openWidget('repositories', {
      output: null,
      meta: {
        'gatehouse/error': {
          code: 'insufficient_scope',
          missing: [{ scope: 'issues:write', title: 'Open issues' }],
        },
      },
    });
    expect(await stepUp.page.locator('[data-state=insufficient_scope]').innerText()).toContain('Open issues');
    await screenshot(stepUp.page, 'widget-connect-prompt.png');
    await stepUp.page.close();
    const reconnect = await openWidget('issues', {
      output: null,
      meta: { 'gatehouse/error': { code: 'reconnect_required' } },
      theme: 'dark',
    });
    expect(await reconnect.page.locator('[data-state=reconnect_required] button').innerText()).toBe(
      'Reconnect GitHub',
    );
    await reconnect.page.close();
  });

  test('every widget renders in the dark theme the host asks for', async () => {
    for (const [name, output] of [
      ['repositories', repositoriesOutput],
      ['issues', issuesOutput],
      ['created', createdIssueOutput],
      ['connect', connectOutput],
    ] as const) {
      const { page } = await openWidget(name, { output, theme: 'dark' });
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe('rgb(13, 17, 23)');
      await screenshot(page, `widget-${name}-dark.png`);
      await page.close();
    }
  });

  test('works in an MCP Apps host too: ui/initialize, the tool-result notification, tools/call over postMessage', async () => {
    const page = await browser.newPage({ viewport: { width: 700, height: 500 } });
    const html = await readFile(join(dir, 'repositories.html'), 'utf8');
    await page.route(`${WIDGET_ORIGIN}/**`, (route) =>
      route.fulfill({ body: html, contentType: 'text/html' }),
    );
    const host = `<!doctype html><html><body><iframe id="app" src="${WIDGET_ORIGIN}/repositories.html" width="680" height="480"></iframe>
      <script>
        window.received = [];
        const frame = document.getElementById('app');
        const send = (message) => frame.contentWindow.postMessage(message, '*');
        window.addEventListener('message', (event) => {
          const message = event.data;
          window.received.push(message.method);
          if (message.method === 'ui/initialize') {
            send({ jsonrpc: '2.0', id: message.id, result: { protocolVersion: '2026-01-26', hostInfo: { name: 'test-host', version: '1' }, hostCapabilities: { serverTools: {} }, hostContext: { theme: 'dark' } } });
          } else if (message.method === 'ui/notifications/initialized') {
            send({ jsonrpc: '2.0', method: 'ui/notifications/tool-result', params: { structuredContent: ${JSON.stringify(repositoriesOutput)}, content: [] } });
          } else if (message.method === 'tools/call') {
            window.toolCall = message.params;
            send({ jsonrpc: '2.0', id: message.id, result: { structuredContent: ${JSON.stringify(issuesOutput)}, content: [] } });
          }
        });
      </script></body></html>`;
    await page.route('https://host.test/**', (route) =>
      route.fulfill({ body: host, contentType: 'text/html' }),
    );
    await page.goto('https://host.test/');
    const frame = page.frameLocator('#app');
    await expect.poll(() => frame.locator('li.row[data-repository]').count()).toBe(3);
    const theme = await page.frames()[1]!.evaluate(() => document.documentElement.dataset.theme);
    expect(theme).toBe('dark');
    await frame.locator('li.row').first().locator('[data-action=show-issues]').click();
    await expect.poll(() => frame.locator('.nested li').count()).toBe(4);
    expect(await page.evaluate(() => (window as unknown as { toolCall: unknown }).toolCall)).toEqual({
      name: 'list_issues',
      arguments: { owner: 'octocat', repo: 'hello-world', state: 'open', per_page: 5 },
    });
    expect(await page.evaluate(() => (window as unknown as { received: string[] }).received)).toEqual(
      expect.arrayContaining(['ui/initialize', 'ui/notifications/initialized', 'tools/call']),
    );
    await page.close();
  });
});
