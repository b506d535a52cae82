import type { Request } from 'express';

/** A query parameter as one string: the first value when repeated, undefined when absent or empty. */
export function queryString(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

/** The query parameter if it is one of `allowed`, else the fallback (GitHub ignores unknown values). */
export function queryChoice<T extends string>(
  req: Request,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = queryString(req, name);
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** The JSON body as an object; a missing body reads as `{}`. */
export function jsonBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/** Route parameters are always present when the route matched. */
export function pathParam(req: Request, name: string): string {
  return String(req.params[name]);
}
