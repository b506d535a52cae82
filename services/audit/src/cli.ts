// The operators' query tool: `npm run audit -- --user octocat --since 24h --type token.`
// It asks the audit service over NATS (rpc.audit.event.query.v1), like the admin HTTP API does,
// so it runs wherever the service's NATS credentials do: on the box, or in the audit pod.
import { Bus, BusError } from '@gatehouse/bus';
import { busEnv, parseEnv } from '@gatehouse/config';
import { createLogger } from '@gatehouse/logging';
import { AuditService, type QueryEventsRequest } from '@gatehouse/proto';
import { z } from 'zod';
import { type CliCommand, parseCliArguments, USAGE, UsageError } from './cli/arguments.ts';
import { eventJson, eventTable } from './cli/output.ts';

const CONNECT_TIMEOUT_MS = 5_000;
const QUERY_TIMEOUT_MS = 30_000;

async function main(argv: readonly string[]): Promise<number> {
  let command: CliCommand | undefined;
  try {
    command = parseCliArguments(argv, new Date());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`audit: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (!command) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const env = parseEnv('audit-cli', z.object(busEnv));
  const bus = await connect(env);
  try {
    await run(bus, command);
    return 0;
  } catch (error) {
    if (!(error instanceof BusError)) throw error;
    process.stderr.write(`audit: ${error.code}: ${error.description}\n`);
    return 1;
  } finally {
    await bus.drain().catch(() => undefined);
  }
}

async function connect(env: z.output<z.ZodObject<typeof busEnv>>): Promise<Bus> {
  // The bus reconnects forever, as a service should; a person at a terminal wants an answer.
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () =>
        reject(new CliFailure(`cannot reach NATS at ${env.NATS_URL} within ${CONNECT_TIMEOUT_MS / 1000}s`)),
      CONNECT_TIMEOUT_MS,
    ).unref(),
  );
  return Promise.race([
    Bus.connect({
      url: env.NATS_URL,
      prefix: env.NATS_SUBJECT_PREFIX,
      credsFile: env.NATS_CREDS_FILE,
      service: 'audit-cli',
      // stdout carries the results; anything the connection has to say goes to stderr.
      logger: createLogger({ service: 'audit-cli', level: 'warn', destination: process.stderr }),
    }),
    timeout,
  ]);
}

async function run(bus: Bus, command: CliCommand): Promise<void> {
  const query = (request: QueryEventsRequest) =>
    bus.request(AuditService.method.queryEvents, request, { timeoutMs: QUERY_TIMEOUT_MS });

  if (command.format !== 'ndjson') {
    const page = await query(command.request);
    if (command.format === 'json') {
      process.stdout.write(
        `${JSON.stringify({ events: page.events.map(eventJson), next_cursor: page.nextCursor || null }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(page.events.length > 0 ? `${eventTable(page.events)}\n` : 'no matching events\n');
      if (page.nextCursor) process.stderr.write(`more: --cursor ${page.nextCursor}\n`);
    }
    return;
  }

  let printed = 0;
  let request = command.request;
  const max = command.maxEvents ?? Number.POSITIVE_INFINITY;
  for (;;) {
    const page = await query(request);
    for (const event of page.events.slice(0, max - printed)) {
      if (!process.stdout.write(`${JSON.stringify(eventJson(event))}\n`)) {
        await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
      printed += 1;
    }
    if (!page.nextCursor || printed >= max) return;
    request = { ...request, cursor: page.nextCursor };
  }
}

class CliFailure extends Error {}

/**
 * Writes to a pipe are asynchronous, and process.exit drops what the reader has not taken yet (an
 * export piped into a slow `jq` lost its last pages): exit once stdout and stderr are flushed.
 */
function exitWhenFlushed(code: number): void {
  let pending = 2;
  const flushed = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

main(process.argv.slice(2)).then(exitWhenFlushed, (error: unknown) => {
  // A bad environment or an unreachable server is told in one line; anything else with its stack.
  const expected = error instanceof CliFailure || (error as Error)?.name === 'ConfigError';
  process.stderr.write(
    `audit: ${expected ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`,
  );
  exitWhenFlushed(1);
});
