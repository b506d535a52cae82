import { createHash, randomBytes } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import { Bus, BusError, eventStreamName } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/logging';
import { type Event, EventSchema, token } from '@gatehouse/proto';
import {
  type CapturedLogs,
  captureLogs,
  createTestStream,
  deleteTestStream,
  type Isolation,
  type TestInfrastructure,
  uniqueName,
} from '@gatehouse/testing';
import { AckPolicy, DeliverPolicy } from 'nats';
import { loadConfig } from '../src/config.ts';
import { type RunningTokenService, startTokenService } from '../src/start.ts';

export const USER = { userId: 'user-1', githubLogin: 'octocat' };
export const ORIGIN = { ip: '203.0.113.7', userAgent: 'vitest' };

/**
 * The token service composed in-process (start.ts's composition, real Postgres/Redis/NATS) and a
 * second bus connection acting as its callers (gateway, identity). Each harness gets its own NATS
 * subject prefix and Redis key prefix; harnesses of one test file share the file's database.
 */
export interface Harness {
  service: RunningTokenService;
  caller: Bus;
  logs: CapturedLogs;
  issuer: string;
  resource: string;
  /** The Redis key prefix this instance writes under. */
  redisPrefix: string;
  /** Every event published so far (read back from JetStream). */
  events(type?: string): Promise<Event[]>;
  close(): Promise<void>;
}

export async function startHarness(
  infrastructure: TestInfrastructure,
  isolation: Isolation,
  env: Record<string, string> = {},
): Promise<Harness> {
  // A prefix of its own (a uniqueName, so the test setup sweeps its stream if a run is killed).
  const prefix = uniqueName('tok');
  await createTestStream(infrastructure.natsUrl, prefix);
  const config = loadConfig({
    NATS_URL: infrastructure.natsUrl,
    NATS_SUBJECT_PREFIX: prefix,
    REDIS_URL: infrastructure.redisUrl,
    REDIS_KEY_PREFIX: `${isolation.redisPrefix}${prefix}:`,
    DATABASE_URL: isolation.databaseUrl,
    DATABASE_POOL_SIZE: '20',
    LOG_LEVEL: 'debug',
    ...env,
  });
  const logs = captureLogs();
  const logger = createLogger({ service: 'token', level: 'debug', destination: logs.stream });
  const service = await startTokenService(config, logger);
  const caller = await Bus.connect({
    url: infrastructure.natsUrl,
    prefix,
    service: 'gateway',
    logger: createLogger({ service: 'caller', level: 'silent' }),
  });
  return {
    service,
    caller,
    logs,
    issuer: config.PUBLIC_URL,
    resource: `${config.PUBLIC_URL}/mcp`,
    redisPrefix: config.REDIS_KEY_PREFIX,
    events: (type) => readEvents(caller, type),
    async close() {
      await service.stop();
      await caller.drain();
      await deleteTestStream(infrastructure.natsUrl, prefix);
    },
  };
}

export async function readEvents(bus: Bus, type?: string): Promise<Event[]> {
  await bus.nc.flush();
  const jsm = await bus.jetstreamManager();
  const stream = eventStreamName(bus.prefix);
  const info = await jsm.streams.info(stream);
  const total = info.state.messages;
  if (total === 0) return [];
  const name = `reader${randomBytes(4).toString('hex')}`;
  await jsm.consumers.add(stream, {
    durable_name: name,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    ...(type ? { filter_subject: `${bus.prefix}.evt.${type}.v1` } : {}),
    inactive_threshold: 10_000_000_000,
  });
  const consumer = await bus.nc.jetstream().consumers.get(stream, name);
  const pending = (await consumer.info()).num_pending;
  const events: Event[] = [];
  if (pending > 0) {
    const messages = await consumer.fetch({ max_messages: pending, expires: 2_000 });
    for await (const message of messages) {
      events.push(fromBinary(EventSchema, message.data));
      if (events.length >= pending) break;
    }
  }
  await jsm.consumers.delete(stream, name);
  return events;
}

/** Waits until `check` passes (events are published asynchronously). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 3_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The error a bus request failed with (the test fails if it succeeded). */
export async function failure(promise: Promise<unknown>): Promise<BusError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BusError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

type MetadataInit = Partial<{
  redirectUris: string[];
  clientName: string;
  tokenEndpointAuthMethod: string;
  grantTypes: string[];
  responseTypes: string[];
  scope: string;
  jwks: string;
  jwksUri: string;
  applicationType: string;
  clientUri: string;
  logoUri: string;
  contacts: string[];
}>;

export const REDIRECT_URI = 'https://chatgpt.com/connector/oauth/abc123';

/** Registers a client through RegisterClient (public, both grant types, unless overridden). */
export async function registerClient(h: Harness, metadata: MetadataInit = {}) {
  return h.caller.request(token.TokenService.method.registerClient, {
    metadata: {
      redirectUris: [REDIRECT_URI],
      clientName: 'Test client',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
      ...metadata,
    },
    origin: ORIGIN,
  });
}

/** What identity does after consent. */
export async function issueCode(
  h: Harness,
  input: { clientId: string; challenge: string; redirectUri?: string; scopes?: string[]; resource?: string },
) {
  const response = await h.caller.request(token.TokenService.method.issueCode, {
    clientId: input.clientId,
    redirectUri: input.redirectUri ?? REDIRECT_URI,
    codeChallenge: input.challenge,
    scopes: input.scopes ?? ['repos:read', 'issues:read'],
    resource: input.resource ?? h.resource,
    ...USER,
    origin: ORIGIN,
  });
  return response.code;
}

/** A code for `clientId`, and the token request parameters that redeem it (minus client identification). */
export async function codeRequest(h: Harness, clientId: string, redirectUri = REDIRECT_URI) {
  const { verifier, challenge } = pkce();
  const code = await issueCode(h, { clientId, challenge, redirectUri });
  return { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri };
}

/** The grant id (`gid` claim) of an access token. */
export function gidOf(accessToken: string): string {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).gid;
}

export function exchange(h: Harness, params: Record<string, string>, authorization = '') {
  return h.caller.request(token.TokenService.method.exchangeToken, { params, authorization, origin: ORIGIN });
}

/** A refresh_token grant request from a public client (no client authentication). */
export function refreshAs(h: Harness, refreshToken: string, clientId: string) {
  return exchange(h, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
}

/** A public client, a code, and the token response for it. */
export async function authorize(h: Harness, options: { scopes?: string[]; metadata?: MetadataInit } = {}) {
  const client = await registerClient(h, options.metadata);
  const tokens = await grantTo(h, client.clientId, options.scopes);
  return { client, tokens };
}

/** A code issued to an existing client, redeemed at once: a new grant of that client. */
export async function grantTo(h: Harness, clientId: string, scopes?: string[]) {
  const { verifier, challenge } = pkce();
  const code = await issueCode(h, { clientId, challenge, ...(scopes ? { scopes } : {}) });
  return exchange(h, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT_URI,
    client_id: clientId,
    resource: h.resource,
  });
}

export function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}
