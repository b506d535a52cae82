import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@gatehouse/testing';
import { loadWidgets } from './catalog.ts';

describe('loadWidgets', () => {
  test('refuses to start without the built widgets, naming the missing files and the build command', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'no-widgets-'));
    await writeFile(join(dir, 'issues.html'), '<!doctype html>');
    const error = await loadWidgets(dir).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(join(dir, 'repositories.html'));
    expect((error as Error).message).not.toContain(join(dir, 'issues.html'));
    expect((error as Error).message).toContain('node services/mcp-gateway/widgets/build.ts');
  });
});
