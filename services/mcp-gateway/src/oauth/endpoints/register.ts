import { busError } from '@gatehouse/bus';
import { token } from '@gatehouse/proto';
import type { Request, RequestHandler } from 'express';
import { type RequestOrigin, requestOrigin } from '../../http/client-ip.ts';
import { addressKey } from '../../http/rate-limit.ts';
import type { OauthContext } from '../context.ts';
import { parseClientMetadata, parseEchoedCredentials } from '../registration/client-metadata.ts';
import { clientInformationResponse } from '../registration/client-response.ts';

async function countedOrigin(context: OauthContext, req: Request): Promise<RequestOrigin> {
  const origin = requestOrigin(req);
  await context.limiters.registerPerIp.consume({ key: addressKey(origin.ip), origin });
  return origin;
}

/** POST /oauth/register (RFC 7591 §3.1): 201 with the client information response (§3.2.1). */
export function registerClient(context: OauthContext): RequestHandler {
  return async (req, res) => {
    const origin = await countedOrigin(context, req);
    const metadata = parseClientMetadata(req.body);
    const client = await context.bus.request(
      token.TokenService.method.registerClient,
      { metadata, origin },
      context.busOptions,
    );
    res.status(201).json(clientInformationResponse(client));
  };
}

/**
 * The RFC 7592 §3 credential: `Authorization: Bearer <registration_access_token>`. Missing or
 * malformed is an `invalid_token` (RFC 6750 §3.1), answered with a Bearer challenge.
 */
function registrationAccessToken(req: Request): string {
  const match = /^bearer\s+([A-Za-z0-9\-._~+/]+=*)$/i.exec(req.get('authorization') ?? '');
  if (!match?.[1])
    throw busError('invalid_token', 'A registration access token is required (Authorization: Bearer).');
  return match[1];
}

/** The `:client_id` path segment; at most the length of any id this server issues or resolves. */
function pathClientId(req: Request): string {
  const clientId = String(req.params.client_id ?? '');
  if (clientId === '' || clientId.length > 255) throw busError('invalid_token', 'Unknown client.');
  return clientId;
}

/** GET /oauth/register/:client_id (RFC 7592 §2.1). */
export function readClient(context: OauthContext): RequestHandler {
  return async (req, res) => {
    const origin = await countedOrigin(context, req);
    const client = await context.bus.request(
      token.TokenService.method.readClient,
      { clientId: pathClientId(req), registrationAccessToken: registrationAccessToken(req), origin },
      context.busOptions,
    );
    res.json(clientInformationResponse(client));
  };
}

/** PUT /oauth/register/:client_id (RFC 7592 §2.2): the body replaces the metadata. */
export function updateClient(context: OauthContext): RequestHandler {
  return async (req, res) => {
    const origin = await countedOrigin(context, req);
    const clientId = pathClientId(req);
    const registrationToken = registrationAccessToken(req);
    const metadata = parseClientMetadata(req.body);
    const echoed = parseEchoedCredentials(req.body);
    const client = await context.bus.request(
      token.TokenService.method.updateClient,
      {
        clientId,
        registrationAccessToken: registrationToken,
        metadata,
        origin,
        bodyClientId: echoed.clientId,
        bodyClientSecret: echoed.clientSecret,
      },
      context.busOptions,
    );
    res.json(clientInformationResponse(client));
  };
}

/** DELETE /oauth/register/:client_id (RFC 7592 §2.3): 204, and the client's grants are revoked. */
export function deleteClient(context: OauthContext): RequestHandler {
  return async (req, res) => {
    const origin = await countedOrigin(context, req);
    await context.bus.request(
      token.TokenService.method.deleteClient,
      { clientId: pathClientId(req), registrationAccessToken: registrationAccessToken(req), origin },
      context.busOptions,
    );
    res.status(204).end();
  };
}
