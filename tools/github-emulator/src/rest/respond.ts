import type { Request, Response } from 'express';
import { entityTag, ifNoneMatchHits } from './etag.ts';
import { refundRateLimit } from './rate-limit.ts';

/**
 * Sends a REST body the way api.github.com does. Successful reads carry an ETag; a matching
 * `If-None-Match` gets 304 with no body, and the request is refunded to the rate limit as GitHub does.
 */
export function sendJson(req: Request, res: Response, body: unknown, status = 200): void {
  const json = JSON.stringify(body);
  res.status(status).type('application/json; charset=utf-8');
  if ((req.method === 'GET' || req.method === 'HEAD') && status === 200) {
    const etag = entityTag(json);
    res.set({ ETag: etag, 'Cache-Control': 'private, max-age=60, s-maxage=60' });
    if (ifNoneMatchHits(req.get('if-none-match'), etag)) {
      refundRateLimit(res);
      res.status(304).end();
      return;
    }
  }
  res.send(json);
}
