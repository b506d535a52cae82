import { type Bus, BusError } from '@gatehouse/bus';
import { parseScope, token } from '@gatehouse/proto';
import type { CodeIssuer, CodeRequest } from '../authorization/code-issuer.ts';
import type { Client, ClientDirectory, ClientKind } from '../clients/client.ts';
import { refuseOnPage } from '../errors.ts';
import type { Deadline } from '../request.ts';

const KINDS: Record<number, ClientKind> = {
  [token.ClientKind.REGISTERED]: 'registered',
  [token.ClientKind.METADATA_DOCUMENT]: 'metadata_document',
  [token.ClientKind.PRECONFIGURED]: 'preconfigured',
};

/** Leaves the time our own caller needs to receive our answer. */
const REPLY_MARGIN_MS = 100;

/** The token service over the bus: ResolveClient and IssueCode, within the caller's deadline. */
export class TokenServiceClient implements ClientDirectory, CodeIssuer {
  readonly #bus: Pick<Bus, 'request'>;

  constructor(bus: Pick<Bus, 'request'>) {
    this.#bus = bus;
  }

  async resolve(clientId: string, call: Deadline): Promise<Client | null> {
    let resolved: token.ResolvedClient;
    try {
      resolved = await this.#bus.request(
        token.TokenService.method.resolveClient,
        { clientId },
        timeout(call),
      );
    } catch (error) {
      if (!(error instanceof BusError)) throw error;
      if (error.code === 'not_found') return null;
      // A metadata document that could not be fetched or is invalid: the client is not usable, and
      // its redirect URI is unverified, so the person sees why on an error page.
      if (error.httpStatus < 500)
        throw refuseOnPage('invalid_client', error.description, `resolve_client_${error.code}`);
      throw error;
    }
    const metadata = resolved.metadata;
    const kind = KINDS[resolved.kind];
    if (!metadata || !kind)
      throw new Error(`ResolveClient answered without metadata or kind for ${clientId}`);
    return {
      id: resolved.clientId,
      kind,
      name: metadata.clientName || resolved.clientId,
      uri: metadata.clientUri,
      redirectUris: metadata.redirectUris,
      // Only an operator-configured client's scope bounds its requests. A self-registered (DCR or
      // CIMD) client's `scope` is its own claim, and MCP clients register with the first
      // challenge's scope, then step up (MCP 2025-11-25 "Scope Challenge Handling"): bounding
      // them would break step-up and protect nothing, since the person's consent is the boundary.
      scopes: kind === 'preconfigured' && metadata.scope ? parseScope(metadata.scope) : null,
      responseTypes: metadata.responseTypes,
      grantTypes: metadata.grantTypes,
    };
  }

  async issue(request: CodeRequest, call: Deadline): Promise<string> {
    const response = await this.#bus.request(
      token.TokenService.method.issueCode,
      {
        clientId: request.clientId,
        redirectUri: request.redirectUri,
        codeChallenge: request.codeChallenge,
        scopes: [...request.scopes],
        resource: request.resource,
        userId: request.userId,
        githubLogin: request.githubLogin,
        origin: request.origin,
      },
      timeout(call),
    );
    return response.code;
  }
}

function timeout(call: Deadline): { timeoutMs: number } {
  return { timeoutMs: Math.max(50, call.deadline - Date.now() - REPLY_MARGIN_MS) };
}
