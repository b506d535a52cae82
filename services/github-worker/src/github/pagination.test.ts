import { describe, expect, test } from '@gatehouse/testing';
import { WorkerError } from '../errors.ts';
import { collectPage, encodeCursor, nextPageOf, pageRequest } from './pagination.ts';

const query = { list: 'issues', owner: 'octocat', repo: 'hello', state: 'open' };

function refusalOf(run: () => unknown): WorkerError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WorkerError);
    return error as WorkerError;
  }
  throw new Error('expected a refusal');
}

describe('pageRequest', () => {
  test('starts at the first page with GitHub’s default size', () => {
    expect(pageRequest(undefined, query)).toMatchObject({ perPage: 30, position: { page: 1, offset: 0 } });
    expect(pageRequest({ cursor: '', perPage: 0 }, query).perPage).toBe(30);
  });

  test('refuses a page size above 100', () => {
    const error = refusalOf(() => pageRequest({ cursor: '', perPage: 101 }, query));
    expect(error).toMatchObject({
      code: 'invalid_request',
      description: 'page.per_page must be from 1 to 100 (0 means 30)',
    });
  });

  test('continues from the position a cursor carries', () => {
    const first = pageRequest({ cursor: '', perPage: 10 }, query);
    const cursor = encodeCursor({ page: 4, offset: 7 }, first.fingerprint);
    expect(pageRequest({ cursor, perPage: 10 }, query).position).toEqual({ page: 4, offset: 7 });
  });

  test('refuses a cursor issued for another query or page size', () => {
    const cursor = encodeCursor(
      { page: 2, offset: 0 },
      pageRequest({ cursor: '', perPage: 10 }, query).fingerprint,
    );
    for (const [otherQuery, perPage] of [
      [{ ...query, state: 'closed' }, 10],
      [query, 20],
    ] as const) {
      expect(refusalOf(() => pageRequest({ cursor, perPage }, otherQuery)).description).toMatch(
        /^page.cursor belongs to a different query or page size/,
      );
    }
  });

  test.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('page 2').toString('base64url')],
    ['page 0', Buffer.from(JSON.stringify({ p: 0, o: 0, f: 'x' })).toString('base64url')],
    ['a fractional page', Buffer.from(JSON.stringify({ p: 1.5, o: 0, f: 'x' })).toString('base64url')],
    ['an offset past a page', Buffer.from(JSON.stringify({ p: 2, o: 100, f: 'x' })).toString('base64url')],
    ['no fingerprint', Buffer.from(JSON.stringify({ p: 2, o: 0 })).toString('base64url')],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['too long', 'A'.repeat(201)],
  ])('refuses a cursor that is %s', (_label, cursor) => {
    expect(refusalOf(() => pageRequest({ cursor, perPage: 10 }, query)).description).toBe(
      'page.cursor is not a cursor this service issued; pass next_cursor from the previous page unchanged',
    );
  });

  test('refuses a cursor with extra characters that base64url decoding would forgive', () => {
    const { fingerprint } = pageRequest({ cursor: '', perPage: 10 }, query);
    const cursor = encodeCursor({ page: 2, offset: 0 }, fingerprint);
    expect(() => pageRequest({ cursor: `${cursor}A`, perPage: 10 }, query)).toThrow(WorkerError);
  });
});

describe('nextPageOf', () => {
  test("takes the page number of GitHub's rel=next link", () => {
    const link =
      '<https://api.github.com/repositories/1/issues?labels=bug,ui&page=1>; rel="prev", ' +
      '<https://api.github.com/repositories/1/issues?labels=bug,ui&page=3>; rel="next", ' +
      '<https://api.github.com/repositories/1/issues?labels=bug,ui&page=9>; rel="last"';
    expect(nextPageOf(link)).toBe(3);
  });

  test('is undefined on the last page, without a header, or for a link it cannot read', () => {
    expect(nextPageOf('<https://api.github.com/user/repos?page=1>; rel="first"')).toBeUndefined();
    expect(nextPageOf(undefined)).toBeUndefined();
    expect(nextPageOf('<https://api.github.com/user/repos?after=abc>; rel="next"')).toBeUndefined();
    expect(nextPageOf('<not a url>; rel="next"')).toBeUndefined();
  });
});

describe('collectPage', () => {
  /** GitHub's pages of `size` over the numbers `total`..1 (newest first). */
  function pages(total: number, size: number) {
    const all = Array.from({ length: total }, (_, index) => total - index);
    const fetched: number[] = [];
    return {
      fetched,
      fetchPage: async (page: number) => {
        fetched.push(page);
        const items = all.slice((page - 1) * size, page * size);
        return { items, nextPage: page * size < total ? page + 1 : undefined };
      },
    };
  }

  test('passes one GitHub page through when nothing is filtered', async () => {
    const source = pages(25, 10);
    const result = await collectPage({
      start: { page: 2, offset: 0 },
      perPage: 10,
      maxFetches: 1,
      ...source,
    });
    expect(result.items).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    expect(result.next).toEqual({ page: 3, offset: 0 });
  });

  test('fills a page across GitHub pages and resumes mid-page where it stopped', async () => {
    const source = pages(20, 5);
    const even = (n: number) => n % 2 === 0;
    const first = await collectPage({
      start: { page: 1, offset: 0 },
      perPage: 4,
      maxFetches: 3,
      keep: even,
      ...source,
    });
    expect(first.items).toEqual([20, 18, 16, 14]);
    expect(first.next).toEqual({ page: 2, offset: 3 });
    const second = await collectPage({
      start: first.next!,
      perPage: 4,
      maxFetches: 3,
      keep: even,
      ...source,
    });
    expect(second.items).toEqual([12, 10, 8, 6]);
    const third = await collectPage({
      start: second.next!,
      perPage: 4,
      maxFetches: 3,
      keep: even,
      ...source,
    });
    expect(third.items).toEqual([4, 2]);
    expect(third.next).toBeUndefined();
  });

  test('stops after maxFetches GitHub pages and hands back a cursor to the rest', async () => {
    const source = pages(50, 5);
    const result = await collectPage({
      start: { page: 1, offset: 0 },
      perPage: 5,
      maxFetches: 3,
      keep: (n) => n <= 3,
      ...source,
    });
    expect(result.items).toEqual([]);
    expect(result.next).toEqual({ page: 4, offset: 0 });
    expect(source.fetched).toEqual([1, 2, 3]);
  });
});
