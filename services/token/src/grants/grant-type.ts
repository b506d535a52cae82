import type { EndpointParams } from '../clients/authentication.ts';
import type { Client, GrantType } from '../clients/client.ts';
import { tokenError } from '../errors.ts';
import type { EventSink, RequestOrigin } from '../events.ts';
import type { Settings } from '../settings.ts';
import type { CodeStore, GrantStore, SuccessorStore } from '../store/ports.ts';
import type { KeyRing } from '../tokens/keys.ts';

export interface GrantDeps {
  grants: GrantStore;
  codes: CodeStore;
  successors: SuccessorStore;
  keys: KeyRing;
  events: EventSink;
  settings: Settings;
  /** Server-side diagnostics for failures that do not fail the request. */
  warn(fields: Record<string, unknown>, message: string): void;
}

/** A token request after client authentication. */
export interface GrantRequest {
  client: Client;
  params: EndpointParams;
  origin: RequestOrigin;
}

/** RFC 6749 §5.1. */
export interface TokenResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken?: string;
  scope: string;
}

/** Every grant module exports one of these, so the token endpoint is a lookup by `grant_type`. */
export interface GrantTypeHandler {
  grantType: GrantType;
  exchange(deps: GrantDeps, request: GrantRequest): Promise<TokenResult>;
}

/** A request parameter, bounded in length; `invalid_request` when required and missing or too long. */
export function parameter(
  params: EndpointParams,
  name: string,
  options: { required: true; max: number },
): string;
export function parameter(
  params: EndpointParams,
  name: string,
  options: { required?: false; max: number },
): string | undefined;
export function parameter(
  params: EndpointParams,
  name: string,
  options: { required?: boolean; max: number },
): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') {
    if (options.required) throw tokenError('invalid_request', `${name} is required.`);
    return undefined;
  }
  if (value.length > options.max) throw tokenError('invalid_request', `${name} is too long.`);
  return value;
}
