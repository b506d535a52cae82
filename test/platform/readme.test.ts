import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderEnvTables, replaceEnvTables } from '../../scripts/env-tables.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

describe('README', () => {
  test('its configuration tables list exactly what each service reads (npm run docs:env)', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toBe(replaceEnvTables(readme, await renderEnvTables()));
  });

  test('every variable in the tables has a meaning', async () => {
    const missing = (await renderEnvTables())
      .split('\n')
      .filter((line) => /^\| `[A-Z0-9_]+` \|.*\|\s*\|$/.test(line));
    expect(missing).toEqual([]);
  });

  test('.ci/run runs exactly the README test command', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    const command = /Run the tests[^\n]*\n\n```sh\n(.+)\n```/.exec(readme)?.[1];
    expect(command).toBe('npm ci && npm test');
    expect(ci.trimEnd().split('\n').at(-1)).toBe(command);
  });
});
