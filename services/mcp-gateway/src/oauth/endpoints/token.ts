import { token } from '@gatehouse/proto';
import type { Request, RequestHandler } from 'express';
import { type RequestOrigin, requestOrigin } from '../../http/client-ip.ts';
import { formParameters, type Parameters } from '../../http/parameters.ts';
import { addressKey, type RateLimiter } from '../../http/rate-limit.ts';
import type { OauthContext } from '../context.ts';
import { claimedClientId } from './client-id.ts';

/** A form-encoded endpoint request as the token contract takes it (`EndpointRequest`). */
interface EndpointCall {
  params: Parameters;
  authorization: string;
  origin: RequestOrigin;
}

/** Counted against the address first, so even malformed floods spend their budget. */
async function endpointCall(req: Request, perIp: RateLimiter): Promise<EndpointCall> {
  const origin = requestOrigin(req);
  await perIp.consume({ key: addressKey(origin.ip), origin });
  return { params: formParameters(req), authorization: req.get('authorization') ?? '', origin };
}

/**
 * POST /oauth/token (RFC 6749 §3.2): counted per address and per claimed client, then passed to
 * the token service as parameters plus the Authorization header. The response has exactly the
 * RFC 6749 §5.1 fields; an empty refresh token or scope is left out rather than sent as "".
 */
export function tokenEndpoint(context: OauthContext): RequestHandler {
  return async (req, res) => {
    const call = await endpointCall(req, context.limiters.tokenPerIp);
    const clientId = claimedClientId(call.params, call.authorization);
    if (clientId)
      await context.limiters.tokenPerClient.consume({ key: clientId, clientId, origin: call.origin });
    const reply = await context.bus.request(
      token.TokenService.method.exchangeToken,
      call,
      context.busOptions,
    );
    res.json({
      access_token: reply.accessToken,
      token_type: reply.tokenType,
      expires_in: reply.expiresIn,
      ...(reply.refreshToken ? { refresh_token: reply.refreshToken } : {}),
      ...(reply.scope ? { scope: reply.scope } : {}),
    });
  };
}

/** POST /oauth/revoke (RFC 7009 §2.2): success is a 200 with an empty body, known token or not. */
export function revocationEndpoint(context: OauthContext): RequestHandler {
  return async (req, res) => {
    const call = await endpointCall(req, context.limiters.revokePerIp);
    await context.bus.request(token.TokenService.method.revokeToken, call, context.busOptions);
    res.status(200).end();
  };
}

/**
 * POST /oauth/introspect (RFC 7662 §2.2). An inactive token is exactly `{"active":false}`: saying
 * more about a token the caller may not see would leak it.
 */
export function introspectionEndpoint(context: OauthContext): RequestHandler {
  return async (req, res) => {
    const call = await endpointCall(req, context.limiters.revokePerIp);
    const reply = await context.bus.request(
      token.TokenService.method.introspectToken,
      call,
      context.busOptions,
    );
    if (!reply.active) {
      res.json({ active: false });
      return;
    }
    const fields: Record<string, string | number | boolean> = { active: true };
    const text = {
      scope: reply.scope,
      client_id: reply.clientId,
      username: reply.username,
      token_type: reply.tokenType,
      sub: reply.sub,
      aud: reply.aud,
      iss: reply.iss,
      jti: reply.jti,
      grant_id: reply.grantId,
    };
    for (const [name, value] of Object.entries(text)) if (value) fields[name] = value;
    if (reply.exp > 0n) fields.exp = Number(reply.exp);
    if (reply.iat > 0n) fields.iat = Number(reply.iat);
    res.json(fields);
  };
}
