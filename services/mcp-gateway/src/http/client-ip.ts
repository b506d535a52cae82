import type { Request } from 'express';

/**
 * The client's address as `req.ip` computed it with the app's `trust proxy` function (see
 * trusted-proxies.ts): the socket peer unless that peer is a trusted proxy. IPv4-mapped IPv6
 * (`::ffff:10.0.0.1`, what a dual-stack socket reports) is written as plain IPv4, so one client
 * has one spelling in rate-limit keys and audit events.
 */
export function clientIp(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}

/** Where a request came from, as the token and identity contracts record it (`Origin`). */
export interface RequestOrigin {
  ip: string;
  userAgent: string;
}

const MAX_USER_AGENT = 512;

export function requestOrigin(req: Request): RequestOrigin {
  return { ip: clientIp(req), userAgent: (req.get('user-agent') ?? '').slice(0, MAX_USER_AGENT) };
}
