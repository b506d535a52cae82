import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { busError, type ServiceHandlers } from '@gatehouse/bus';
import { token } from '@gatehouse/proto';
import type { TokenDeps } from '../app.ts';
import type { ClientKind, ClientMetadata } from '../clients/client.ts';
import {
  deleteClient,
  type Registration,
  readClient,
  registerClient,
  updateClient,
} from '../clients/registration.ts';
import { issueCode } from '../codes/issue.ts';
import { introspectToken } from '../endpoints/introspection.ts';
import { revokeToken } from '../endpoints/revocation.ts';
import { exchangeToken } from '../endpoints/token.ts';
import { TokenError, tokenError } from '../errors.ts';
import { NO_ORIGIN, type RequestOrigin } from '../events.ts';
import { listGrants, revokeUserGrant } from '../grants/account.ts';
import { rotateKeys } from '../tokens/rotation.ts';

type Handlers = ServiceHandlers<typeof token.TokenService>;

/**
 * The one table of what this service answers: each TokenService method (its subject is in
 * token.proto) → a domain function, with the proto ↔ domain translation and nothing else.
 */
export function createHandlers(deps: TokenDeps): Handlers {
  const handlers: Handlers = {
    registerClient: async (request) =>
      registration(await registerClient(deps, metadataFromProto(request.metadata), origin(request.origin))),

    readClient: async (request) =>
      registration(await readClient(deps, request.clientId, request.registrationAccessToken)),

    updateClient: async (request) =>
      registration(
        await updateClient(
          deps,
          {
            clientId: request.clientId,
            registrationAccessToken: request.registrationAccessToken,
            raw: metadataFromProto(request.metadata),
            bodyClientId: request.bodyClientId,
            bodyClientSecret: request.bodyClientSecret,
          },
          origin(request.origin),
        ),
      ),

    deleteClient: async (request) => {
      await deleteClient(deps, request.clientId, request.registrationAccessToken, origin(request.origin));
      return {};
    },

    resolveClient: async (request) => {
      const client = await deps.directory.resolve(request.clientId);
      if (!client) throw tokenError('not_found', 'The client is unknown.');
      return { clientId: client.id, kind: KINDS[client.kind], metadata: metadataToProto(client.metadata) };
    },

    issueCode: async (request) =>
      issueCode(deps, {
        clientId: request.clientId,
        redirectUri: request.redirectUri,
        codeChallenge: request.codeChallenge,
        scopes: request.scopes,
        resource: request.resource,
        userId: request.userId,
        githubLogin: request.githubLogin,
        origin: origin(request.origin),
      }),

    exchangeToken: async (request) => {
      const result = await exchangeToken(deps, endpoint(request));
      return {
        accessToken: result.accessToken,
        tokenType: result.tokenType,
        expiresIn: result.expiresIn,
        refreshToken: result.refreshToken ?? '',
        scope: result.scope,
      };
    },

    revokeToken: async (request) => {
      await revokeToken(deps, endpoint(request));
      return {};
    },

    introspectToken: async (request) => {
      const result = await introspectToken(deps, endpoint(request));
      if (!result.active) return { active: false };
      return {
        active: true,
        scope: result.scope,
        clientId: result.clientId,
        username: result.username,
        tokenType: result.tokenType,
        exp: BigInt(result.exp),
        iat: BigInt(result.iat),
        sub: result.sub,
        aud: result.aud,
        iss: result.iss,
        jti: result.jti ?? '',
        grantId: result.grantId,
      };
    },

    getJwks: async () => ({ keys: [...deps.keys.publicKeys()] }),

    rotateKeys: async () => ({ currentKid: await rotateKeys(deps, 'manual') }),

    listGrants: async (request) => ({
      grants: (await listGrants(deps, request.userId)).map((grant) => ({
        id: grant.id,
        clientId: grant.clientId,
        clientName: grant.clientName,
        scopes: grant.scopes,
        createdAt: timestampFromDate(grant.createdAt),
        lastUsedAt: timestampFromDate(grant.lastUsedAt),
        redirectHost: grant.redirectHost,
      })),
    }),

    revokeGrant: async (request) => {
      await revokeUserGrant(deps, request.userId, request.grantId, origin(request.origin));
      return {};
    },
  };
  return mapErrors(handlers);
}

/**
 * Errors reach the wire here, once: a TokenError becomes the bus error with the same code, its
 * client-safe description and its HTTP status (401 for invalid_client and invalid_token); its
 * reason goes to the log only. Anything else is left to the bus, which answers `internal`.
 */
function mapErrors(handlers: Handlers): Handlers {
  const mapped: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    mapped[name] = async (request: never, context: never) => {
      try {
        return await (handler as (request: never, context: never) => Promise<unknown>)(request, context);
      } catch (error) {
        if (error instanceof TokenError) {
          // A reason makes the bus log the refusal (code and reason, never the request), so an
          // "authorized but it still fails" report has a server-side trace.
          throw busError(error.code, error.description, { reason: error.reason ?? error.description });
        }
        // Anything else is the bus's to classify: a Postgres or Redis outage leaves as a retryable
        // `unavailable`, the rest as a generic `internal` (packages/bus/src/errors.ts).
        throw error;
      }
    };
  }
  return mapped as Handlers;
}

const KINDS: Record<ClientKind, token.ClientKind> = {
  registered: token.ClientKind.REGISTERED,
  metadata_document: token.ClientKind.METADATA_DOCUMENT,
  preconfigured: token.ClientKind.PRECONFIGURED,
};

function origin(value: { ip: string; userAgent: string } | undefined): RequestOrigin {
  return value ? { ip: value.ip.slice(0, 64), userAgent: value.userAgent.slice(0, 512) } : NO_ORIGIN;
}

/** RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were omitted." */
function endpoint(request: token.EndpointRequest) {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.params)) if (value !== '') params[name] = value;
  return { params, authorization: request.authorization, origin: origin(request.origin) };
}

/** Proto metadata (empty string / empty list = absent) as the RFC 7591 JSON object it came from. */
function metadataFromProto(metadata: token.ClientMetadata | undefined): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  if (!metadata) return raw;
  const strings: [string, string][] = [
    ['client_name', metadata.clientName],
    ['token_endpoint_auth_method', metadata.tokenEndpointAuthMethod],
    ['scope', metadata.scope],
    ['client_uri', metadata.clientUri],
    ['logo_uri', metadata.logoUri],
    ['tos_uri', metadata.tosUri],
    ['policy_uri', metadata.policyUri],
    ['jwks_uri', metadata.jwksUri],
    ['software_id', metadata.softwareId],
    ['software_version', metadata.softwareVersion],
    ['application_type', metadata.applicationType],
  ];
  for (const [key, value] of strings) if (value !== '') raw[key] = value;
  const lists: [string, string[]][] = [
    ['redirect_uris', metadata.redirectUris],
    ['grant_types', metadata.grantTypes],
    ['response_types', metadata.responseTypes],
    ['contacts', metadata.contacts],
  ];
  for (const [key, value] of lists) if (value.length > 0) raw[key] = value;
  if (metadata.jwks !== '') {
    try {
      raw.jwks = JSON.parse(metadata.jwks);
    } catch {
      // Left as text, which validation refuses as "jwks must be a JWK Set" (and audits).
      raw.jwks = metadata.jwks;
    }
  }
  return raw;
}

function metadataToProto(metadata: ClientMetadata): MessageInitShape<typeof token.ClientMetadataSchema> {
  return {
    redirectUris: metadata.redirect_uris,
    clientName: metadata.client_name ?? '',
    tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
    grantTypes: metadata.grant_types,
    responseTypes: metadata.response_types,
    scope: metadata.scope ?? '',
    clientUri: metadata.client_uri ?? '',
    logoUri: metadata.logo_uri ?? '',
    tosUri: metadata.tos_uri ?? '',
    policyUri: metadata.policy_uri ?? '',
    contacts: metadata.contacts ?? [],
    jwksUri: metadata.jwks_uri ?? '',
    jwks: metadata.jwks ? JSON.stringify(metadata.jwks) : '',
    softwareId: metadata.software_id ?? '',
    softwareVersion: metadata.software_version ?? '',
    applicationType: metadata.application_type,
  };
}

function registration(result: Registration): MessageInitShape<typeof token.RegisteredClientSchema> {
  return {
    clientId: result.client.id,
    clientSecret: result.clientSecret ?? '',
    clientIdIssuedAt: BigInt(result.client.issuedAt),
    // RFC 7591 §3.2.1: 0 means the secret does not expire.
    clientSecretExpiresAt: 0n,
    registrationAccessToken: result.registrationAccessToken ?? '',
    registrationClientUri: result.registrationClientUri,
    metadata: metadataToProto(result.client.metadata),
  };
}
