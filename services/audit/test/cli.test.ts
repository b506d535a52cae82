import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Bus } from '@gatehouse/bus';
import { describe, expect, type RunningService, startService, test } from '@gatehouse/testing';
import { v7 as uuidv7 } from 'uuid';
import type { AuditRecord } from '../src/events/record.ts';
import { createEventStore } from '../src/store/events.ts';
import { createDatabase } from '../src/store/prisma.ts';
import { auditEnv, connectBus, removeStreamsAndDrain } from './helpers.ts';

const CLI = join(import.meta.dirname, '..', 'src', 'cli.ts');
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const it = test.extend<{
  audit: RunningService;
  bus: Bus;
  cliEnv: Record<string, string>;
  cli: (...args: string[]) => Promise<CliResult>;
}>({
  bus: [
    async ({ infrastructure, isolation }, use) => {
      const bus = await connectBus(infrastructure.natsUrl, isolation.natsPrefix);
      await use(bus);
      await removeStreamsAndDrain(bus);
    },
    { scope: 'file' },
  ],
  audit: [
    async ({ infrastructure, isolation, bus: _bus }, use) => {
      const database = createDatabase(isolation.databaseUrl);
      await createEventStore(database).insert(seed());
      await database.$disconnect();
      const audit = await startService('audit', auditEnv(infrastructure, isolation));
      await use(audit);
      await audit.stop();
    },
    { scope: 'file' },
  ],
  cliEnv: [
    async ({ infrastructure, isolation, audit: _audit }, use) => {
      await use({
        PATH: process.env.PATH ?? '',
        NATS_URL: infrastructure.natsUrl,
        NATS_SUBJECT_PREFIX: isolation.natsPrefix,
      });
    },
    { scope: 'file' },
  ],
  cli: [
    async ({ cliEnv }, use) => {
      await use(async (...args: string[]) => {
        try {
          const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
            env: cliEnv,
            maxBuffer: 64 * 1024 * 1024,
          });
          return { code: 0, stdout, stderr };
        } catch (error) {
          const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
          return { code, stdout, stderr };
        }
      });
    },
    { scope: 'file' },
  ],
});

const HOUR_MS = 3_600_000;

function seed(): AuditRecord[] {
  const base = {
    service: 'token',
    userId: 'u1',
    githubLogin: 'octocat',
    clientId: 'chatgpt',
    grantId: 'g1',
    ip: '203.0.113.7',
    userAgent: 'agent',
    outcome: 'success' as const,
    reason: null,
    traceId: null,
    details: {},
  };
  const now = Date.now();
  return [
    { ...base, id: uuidv7(), type: 'token.token.issued', occurredAt: new Date(now - 2 * HOUR_MS) },
    { ...base, id: uuidv7(), type: 'token.refresh_token.rotated', occurredAt: new Date(now - HOUR_MS) },
    {
      ...base,
      id: uuidv7(),
      type: 'identity.login.succeeded',
      service: 'identity',
      occurredAt: new Date(now - HOUR_MS),
    },
    { ...base, id: uuidv7(), type: 'token.token.issued', occurredAt: new Date(now - 48 * HOUR_MS) },
    ...Array.from({ length: 1_500 }, (_, i) => ({
      ...base,
      id: uuidv7(),
      type: 'gateway.tool.called',
      service: 'mcp-gateway',
      userId: 'bulk',
      githubLogin: 'hubot',
      occurredAt: new Date(now - 3 * HOUR_MS - i * 1000),
    })),
  ];
}

// Each case starts the CLI as a process (about a second each, more on a loaded machine).
describe('the audit CLI', { timeout: 40_000 }, () => {
  it('prints the operator’s query as a table, newest first', async ({ cli }) => {
    const { code, stdout } = await cli('--user', 'octocat', '--since', '24h', '--type', 'token.');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+TYPE\s+OUTCOME\s+USER\s+CLIENT\s+GRANT\s+IP\s+REASON$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[1])).toEqual([
      'token.refresh_token.rotated',
      'token.token.issued',
    ]);
    expect(lines[1]).toMatch(/success\s+octocat\s+chatgpt\s+g1\s+203\.0\.113\.7$/);
  });

  it('prints one page as JSON with the cursor of the next', async ({ cli }) => {
    const { code, stdout } = await cli('--user', 'hubot', '--limit', '2', '--json');
    expect(code).toBe(0);
    const page = JSON.parse(stdout) as {
      events: { type: string; actor: { github_login: string } }[];
      next_cursor: string;
    };
    expect(page.events).toHaveLength(2);
    expect(page.events[0]).toMatchObject({
      type: 'gateway.tool.called',
      actor: { github_login: 'hubot' },
      outcome: 'OUTCOME_SUCCESS',
    });
    const next = await cli('--user', 'hubot', '--limit', '2', '--json', '--cursor', page.next_cursor);
    const second = JSON.parse(next.stdout) as { events: { id: string }[] };
    expect(second.events.map((e) => e.id)).not.toContain((page.events[0] as unknown as { id: string }).id);
  });

  it('exports every matching event as NDJSON across pages', async ({ cli }) => {
    const { code, stdout } = await cli('--user', 'bulk', '--ndjson', '--oldest-first');
    expect(code).toBe(0);
    const events = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; occurred_at: string });
    expect(events).toHaveLength(1_500);
    expect(new Set(events.map((e) => e.id)).size).toBe(1_500);
    const times = events.map((e) => Date.parse(e.occurred_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const capped = await cli('--user', 'bulk', '--ndjson', '--limit', '1200');
    expect(capped.stdout.trimEnd().split('\n')).toHaveLength(1_200);
  });

  it('an export piped into a slow reader arrives whole (the CLI exits once its output is flushed)', async ({
    cliEnv,
  }) => {
    const child = spawn(process.execPath, [CLI, '--user', 'bulk', '--ndjson', '--limit', '1200'], {
      env: cliEnv,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let output = '';
    // A reader slower than the CLI (jq on a busy box): the pipe is full when the last page is written.
    for await (const chunk of child.stdout) {
      output += String(chunk);
      await sleep(100);
    }
    expect(await exited).toBe(0);
    expect(output.trimEnd().split('\n')).toHaveLength(1_200);
  });

  it('explains a bad command line and exits 2; relays the service’s refusal and exits 1', async ({ cli }) => {
    const usage = await cli('--since', 'yesterday');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^audit: --since must be a time ago/);
    expect(usage.stderr).toContain('usage: npm run audit --');
    const refused = await cli('--type', 'tokn.');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('audit: invalid_request: no event type starts with "tokn."\n');
    expect((await cli('--user', 'nobody')).stdout).toBe('no matching events\n');
  });
});
