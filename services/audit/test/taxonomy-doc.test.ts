import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES } from '@gatehouse/proto';
import { describe, expect, test } from 'vitest';
import { DEAD_LETTER_REASONS } from '../src/events/record.ts';

const ROOT = new URL('../../..', import.meta.url).pathname;
const doc = readFileSync(join(ROOT, 'docs', 'audit.md'), 'utf8');

/** The first cell (a code span) of every row of the table under `heading`. */
function firstColumn(heading: string): string[] {
  const start = doc.indexOf(`\n${heading}\n`);
  expect(start, `docs/audit.md has a "${heading}" section`).toBeGreaterThanOrEqual(0);
  const section = doc.slice(start + heading.length + 2).split(/\n#{2,3} /)[0] ?? '';
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]!);
}

describe('docs/audit.md', () => {
  test('lists exactly the entries of EVENT_TYPES, once each', () => {
    const listed = firstColumn('## Taxonomy');
    expect([...listed].sort()).toEqual(Object.keys(EVENT_TYPES).sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  test('gives every taxonomy entry its meaning and a details cell', () => {
    for (const line of doc.split('\n').filter((l) => /^\| `[a-z_]+\.[a-z_.]+` \|/.test(l))) {
      const cells = line.split(' | ');
      expect(cells.length, line).toBe(3);
      expect(cells[1]?.trim(), line).not.toBe('');
      expect(cells[2]?.replace(/\|$/, '').trim(), line).not.toBe('');
    }
  });

  test('explains exactly the dead-letter reasons the consumer can give', () => {
    expect(firstColumn('### Dead letters').sort()).toEqual([...DEAD_LETTER_REASONS].sort());
  });
});
