// `npm start`: the whole stack on this machine. Generates code, applies migrations, starts the
// GitHub emulator (the default upstream) and the five services, prefixes their logs, and prints
// the gateway's URL once every service reports ready. Ctrl-C stops everything.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { migrate } from './db-migrate.ts';
import { buildWidgets, generatePrisma, generateProto } from './generate.ts';
import { ROOT, SERVICES } from './services.ts';

const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[31m'];
const RESET = '\x1b[0m';
const useColor = process.stdout.isTTY;

interface Program {
  name: string;
  entry: string;
}

const programs: Program[] = [
  ...(existsSync(join(ROOT, 'tools/github-emulator/src/main.ts'))
    ? [{ name: 'github-emulator', entry: 'tools/github-emulator/src/main.ts' }]
    : []),
  ...SERVICES.map((name) => ({ name, entry: `services/${name}/src/main.ts` })),
];
const width = Math.max(...programs.map((p) => p.name.length));

function format(line: string): string {
  try {
    const { level, msg, time, service: _s, trace_id: _t, span_id: _p, ...rest } = JSON.parse(line);
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `${String(time ?? '').slice(11, 23)} ${String(level).padEnd(5)} ${msg}${extra}`;
  } catch {
    return line;
  }
}

function run(
  program: Program,
  index: number,
  onReady: (fields: Record<string, unknown>) => void,
): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, program.entry)], {
    cwd: ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const label = program.name.padEnd(width);
  const prefix = useColor ? `${COLORS[index % COLORS.length]}${label}${RESET} │ ` : `${label} │ `;
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      process.stdout.write(`${prefix}${format(line)}\n`);
      // Services log a JSON `ready` line; the emulator prints one plain `listening on` line.
      if (line.includes('"msg":"ready"') || /^GitHub emulator listening on /.test(line)) {
        try {
          onReady(JSON.parse(line));
        } catch {
          onReady({});
        }
      }
    });
  }
  return child;
}

const started = Date.now();
generateProto();
generatePrisma();
await buildWidgets();
migrate(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gatehouse', { quiet: true });

const ready = new Set<string>();
const children: ChildProcess[] = [];
let stopping = false;
let gatewayUrl = process.env.PUBLIC_URL ?? 'http://localhost:8080';

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  const deadline = setTimeout(() => process.exit(code), 20_000);
  deadline.unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(
    () => process.exit(code),
  );
}

programs.forEach((program, index) => {
  const child = run(program, index, (fields) => {
    if (program.name === 'mcp-gateway' && typeof fields.url === 'string') gatewayUrl = fields.url;
    ready.add(program.name);
    if (ready.size === programs.length) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `\nGatehouse is ready in ${seconds}s: ${gatewayUrl}\n  MCP endpoint: ${gatewayUrl}/mcp\n  Press Ctrl-C to stop.\n\n`,
      );
    }
  });
  child.once('exit', (code) => {
    if (!stopping) {
      process.stdout.write(`${program.name} exited with ${code}; stopping the stack\n`);
      stopAll(1);
    }
  });
  children.push(child);
});

process.once('SIGINT', () => stopAll(0));
process.once('SIGTERM', () => stopAll(0));
