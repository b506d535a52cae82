import type { Request, Response } from 'express';
import { queryString } from './params.ts';

export interface PageRequest {
  page: number;
  perPage: number;
}

/** GitHub's defaults: 30 per page, at most 100; nonsense values fall back rather than fail. */
export function pageRequest(req: Request): PageRequest {
  const perPage = positiveInt(queryString(req, 'per_page')) ?? 30;
  return {
    page: positiveInt(queryString(req, 'page')) ?? 1,
    perPage: Math.min(perPage, 100),
  };
}

/** One page of `items`, with the `Link` header that tells clients such as octokit.paginate where the rest is. */
export function paginate<T>(req: Request, res: Response, items: readonly T[], page = pageRequest(req)): T[] {
  const lastPage = Math.max(1, Math.ceil(items.length / page.perPage));
  const link = linkHeader(req, page.page, lastPage);
  if (link) res.set('Link', link);
  const start = (page.page - 1) * page.perPage;
  return items.slice(start, start + page.perPage);
}

/**
 * GitHub's format and order: `<url>; rel="prev", <url>; rel="next", <url>; rel="last", <url>; rel="first"`,
 * each URL the request's own with `page` replaced. Absent when everything fits on one page.
 */
export function linkHeader(req: Request, page: number, lastPage: number): string | undefined {
  const links: string[] = [];
  const at = (target: number, rel: string) => links.push(`<${pageUrl(req, target)}>; rel="${rel}"`);
  if (page > 1) at(Math.min(page - 1, lastPage), 'prev');
  if (page < lastPage) {
    at(page + 1, 'next');
    at(lastPage, 'last');
  }
  if (page > 1) at(1, 'first');
  return links.length > 0 ? links.join(', ') : undefined;
}

function pageUrl(req: Request, page: number): string {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host')}`);
  url.searchParams.set('page', String(page));
  return url.href;
}

function positiveInt(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}
