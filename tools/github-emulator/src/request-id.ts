import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';

/** GitHub tags every response with an id like `C0DE:1A2B3C:4D5E6F:7A8B9C:65F0A1B2`, quoted in its errors. */
export const requestId: RequestHandler = (_req, res, next) => {
  const part = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();
  res.set('X-GitHub-Request-Id', `${part(2)}:${part(3)}:${part(3)}:${part(3)}:${part(4)}`);
  next();
};
