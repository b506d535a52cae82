import { createHash } from 'node:crypto';

/** A weak validator over the response body, the form GitHub sends for JSON (`W/"<hash>"`). */
export function entityTag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('hex')}"`;
}

/** `If-None-Match` comparison is weak (RFC 9110 §13.1.2): `W/` prefixes are ignored; `*` matches all. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => opaque(candidate) === opaque(etag));
}
