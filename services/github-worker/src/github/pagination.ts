import { createHash } from 'node:crypto';
import { invalidInput } from '../errors.ts';

/** Where a page starts: GitHub's page number, and how many of that page's items were already returned. */
export interface PagePosition {
  page: number;
  offset: number;
}

export interface PageRequest {
  perPage: number;
  position: PagePosition;
  /** Ties a cursor to the query it continues. */
  fingerprint: string;
}

/** GitHub's default and maximum page sizes. */
export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;
const MAX_PAGE = 100_000;
const MAX_CURSOR_LENGTH = 200;

/**
 * The page a request asks for. The cursor is opaque to callers: base64url JSON of the position and a
 * fingerprint of the query and page size, so a cursor replayed against another query (or page
 * size, which would shift every page) is refused instead of silently returning the wrong items.
 */
export function pageRequest(
  page: { cursor: string; perPage: number } | undefined,
  query: Record<string, unknown>,
): PageRequest {
  const perPage = page?.perPage || DEFAULT_PER_PAGE;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw invalidInput(`page.per_page must be from 1 to ${MAX_PER_PAGE} (0 means ${DEFAULT_PER_PAGE})`);
  }
  const fingerprint = fingerprintOf(query, perPage);
  if (!page?.cursor) return { perPage, position: { page: 1, offset: 0 }, fingerprint };
  return { perPage, position: decodeCursor(page.cursor, fingerprint), fingerprint };
}

export function encodeCursor(position: PagePosition, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ p: position.page, o: position.offset, f: fingerprint })).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string, fingerprint: string): PagePosition {
  const malformed = invalidInput(
    'page.cursor is not a cursor this service issued; pass next_cursor from the previous page unchanged',
  );
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformed;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw malformed;
  }
  const { p, o, f } = (decoded ?? {}) as Record<string, unknown>;
  const valid =
    typeof decoded === 'object' &&
    Number.isInteger(p) &&
    (p as number) >= 1 &&
    (p as number) <= MAX_PAGE &&
    Number.isInteger(o) &&
    (o as number) >= 0 &&
    (o as number) < MAX_PER_PAGE &&
    typeof f === 'string';
  // Only the exact encoding this service produces: base64url decoding forgives stray characters.
  if (!valid || encodeCursor({ page: p as number, offset: o as number }, f) !== cursor) throw malformed;
  if (f !== fingerprint) {
    throw invalidInput(
      'page.cursor belongs to a different query or page size; repeat the original request, or start without a cursor',
    );
  }
  return { page: p as number, offset: o as number };
}

function fingerprintOf(query: Record<string, unknown>, perPage: number): string {
  return createHash('sha256')
    .update(JSON.stringify([query, perPage]))
    .digest('base64url')
    .slice(0, 16);
}

/**
 * The page number of the `rel="next"` link in GitHub's Link header (RFC 8288), or undefined on the
 * last page. Only the number is taken: the worker builds its own URLs and never follows one.
 */
export function nextPageOf(link: string | undefined): number | undefined {
  if (!link) return undefined;
  // URLs may contain commas (labels=bug,ui), so links are matched whole rather than split on ",".
  for (const [, url = '', rel = ''] of link.matchAll(/<([^>]*)>\s*;\s*rel="([^"]*)"/g)) {
    if (!rel.split(/\s+/).includes('next')) continue;
    try {
      const page = Number(new URL(url).searchParams.get('page'));
      return Number.isInteger(page) && page > 1 && page <= MAX_PAGE ? page : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface FetchedPage<T> {
  items: T[];
  nextPage: number | undefined;
}

/**
 * Fills one page of `perPage` items that pass `keep`, reading GitHub's pages from `start` on (at most
 * `maxFetches` of them, so a filter that drops most items cannot run away with the deadline).
 * Returns the items and where the next page starts: mid-page when the page filled up part-way.
 */
export async function collectPage<T>(options: {
  start: PagePosition;
  perPage: number;
  maxFetches: number;
  fetchPage: (page: number) => Promise<FetchedPage<T>>;
  keep?: (item: T) => boolean;
}): Promise<{ items: T[]; next: PagePosition | undefined }> {
  const { perPage, maxFetches, fetchPage, keep = () => true } = options;
  const items: T[] = [];
  let { page, offset } = options.start;
  for (let fetches = 1; ; fetches++) {
    const fetched = await fetchPage(page);
    for (let index = offset; index < fetched.items.length; index++) {
      const item = fetched.items[index] as T;
      if (!keep(item)) continue;
      if (items.length === perPage) return { items, next: { page, offset: index } };
      items.push(item);
    }
    if (fetched.nextPage === undefined) return { items, next: undefined };
    if (items.length === perPage || fetches >= maxFetches) {
      return { items, next: { page: fetched.nextPage, offset: 0 } };
    }
    page = fetched.nextPage;
    offset = 0;
  }
}
