import { z } from 'zod';
import { TokenError } from '../errors.ts';
import { sha256 } from '../tokens/opaque.ts';
import { AUTH_METHODS, type Client } from './client.ts';
import { type MetadataPolicy, validateClientMetadata } from './validation.ts';

/**
 * PRECONFIGURED_CLIENTS: a JSON array of RFC 7591 §2 metadata objects plus `client_id` and, for the
 * client_secret_* methods, either `client_secret` (at least 32 characters; give the variable through
 * PRECONFIGURED_CLIENTS_FILE) or `client_secret_sha256` (base64url SHA-256 of the secret). The
 * default token_endpoint_auth_method here is `none`.
 */
export const preconfiguredClientsSchema = z.array(
  z.looseObject({
    client_id: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\x21-\x7E]+$/, 'printable ASCII without spaces')
      .refine((id) => !/^https?:/i.test(id), 'URLs are reserved for Client ID Metadata Documents'),
    client_secret: z.string().min(32, 'must be at least 32 characters').optional(),
    client_secret_sha256: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url SHA-256 digest')
      .optional(),
  }),
);

export type PreconfiguredClientEntry = z.output<typeof preconfiguredClientsSchema>[number];

function policy(devHosts: ReadonlySet<string>): MetadataPolicy {
  return {
    authMethods: AUTH_METHODS,
    defaultAuthMethod: 'none',
    requireClientName: true,
    allowInlineJwks: true,
    devHosts,
  };
}

/** Every problem with the configured clients, for the boot-time configuration error. */
export function validatePreconfiguredClients(
  entries: readonly PreconfiguredClientEntry[],
  devHosts: ReadonlySet<string> = new Set(),
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const label = `client "${entry.client_id}"`;
    if (seen.has(entry.client_id)) problems.push(`${label} is listed twice`);
    seen.add(entry.client_id);
    try {
      const metadata = validateClientMetadata(entry, policy(devHosts));
      const secretMethod = metadata.token_endpoint_auth_method.startsWith('client_secret_');
      const secrets = [entry.client_secret, entry.client_secret_sha256].filter(Boolean).length;
      if (secretMethod && secrets !== 1) {
        problems.push(`${label} needs exactly one of client_secret and client_secret_sha256`);
      }
      if (!secretMethod && secrets > 0) {
        problems.push(`${label} has a secret but uses ${metadata.token_endpoint_auth_method}`);
      }
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      problems.push(`${label}: ${error.description}`);
    }
  }
  return problems;
}

/** The configured clients, keyed by id; secrets are kept only as hashes. */
export function preconfiguredClients(
  entries: readonly PreconfiguredClientEntry[],
  devHosts: ReadonlySet<string>,
): Map<string, Client> {
  const clients = new Map<string, Client>();
  for (const entry of entries) {
    const secretHash =
      entry.client_secret_sha256 ?? (entry.client_secret ? sha256(entry.client_secret) : undefined);
    clients.set(entry.client_id, {
      id: entry.client_id,
      kind: 'preconfigured',
      metadata: validateClientMetadata(entry, policy(devHosts)),
      ...(secretHash ? { secretHash } : {}),
      issuedAt: 0,
    });
  }
  return clients;
}
