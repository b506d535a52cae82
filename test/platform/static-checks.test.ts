import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

async function passes(file: string, args: string[], cwd = ROOT): Promise<string> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout}\n${stderr}`);
  }
}

// Conventions are enforced by tools, and the tools run with the tests.
describe('static checks', () => {
  test('biome: lint and format, including the rule that services never import each other', async () => {
    await passes(bin('biome'), ['check', '--error-on-warnings', '.']);
  });

  test('typescript: the whole monorepo type-checks in strict mode', async () => {
    await passes(bin('tsc'), ['-p', 'tsconfig.json']);
  });

  test('the benchmark loads outside vitest (npm run bench imports no test fixture)', async () => {
    const modules = [
      'bench/harness/stack.ts',
      'bench/harness/proof-stack.ts',
      'bench/scenarios/tool-call.ts',
      'bench/scenarios/floor.ts',
      'bench/scenarios/tool-call-floor.ts',
    ];
    const script = modules.map((path) => `await import(${JSON.stringify(join(ROOT, path))});`).join('');
    await passes(process.execPath, ['--input-type=module', '-e', script]);
  });

  test('buf lint: the contracts follow the style guide', async () => {
    await passes(bin('buf'), ['lint'], join(ROOT, 'proto'));
  });

  test('buf breaking: no breaking change against the main branch', async () => {
    const { stdout } = await run('git', ['rev-parse', '--verify', '--quiet', 'main'], { cwd: ROOT }).catch(
      () => ({
        stdout: '',
      }),
    );
    // A clone always has main; comparing with HEAD keeps the check meaningful in a detached checkout.
    const against = stdout.trim() ? 'main' : 'HEAD';
    await passes(
      bin('buf'),
      ['breaking', '--against', `${ROOT}.git#branch=${against},subdir=proto`],
      join(ROOT, 'proto'),
    );
  });

  test('generated protobuf code is up to date with the .proto files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'buf-gen-'));
    await run(bin('buf'), ['generate', '-o', out], {
      cwd: join(ROOT, 'proto'),
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
    });
    for (const file of [
      'bus/v1/bus_pb.ts',
      'events/v1/event_pb.ts',
      'token/v1/token_pb.ts',
      'identity/v1/identity_pb.ts',
      'github/v1/github_pb.ts',
      'audit/v1/audit_pb.ts',
    ]) {
      const fresh = readFileSync(join(out, 'src/gen/gatehouse', file), 'utf8');
      const committed = readFileSync(join(ROOT, 'proto/src/gen/gatehouse', file), 'utf8');
      expect(committed, `${file} is stale: run npm run build`).toBe(fresh);
    }
  });
});
