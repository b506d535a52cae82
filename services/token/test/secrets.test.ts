import { randomUUID } from 'node:crypto';
import { toJsonString } from '@bufbuild/protobuf';
import { Bus } from '@gatehouse/bus';
import { createLogger } from '@gatehouse/logging';
import { EventSchema, token } from '@gatehouse/proto';
import {
  createTestStream,
  deleteTestStream,
  describe,
  expect,
  type RunningService,
  startService,
  test,
  uniqueName,
} from '@gatehouse/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll } from 'vitest';
import { JWT_BEARER_ASSERTION } from '../src/clients/assertion.ts';
import { basic, eventually, ORIGIN, pkce, REDIRECT_URI, readEvents, USER } from './harness.ts';

/**
 * The service as its own process, at debug level, driven through every flow that handles a secret
 * (successes and failures); then neither its output nor any event it published may contain one.
 */
describe('secrets never reach logs or events', () => {
  let service: RunningService | undefined;
  let caller: Bus | undefined;
  let prefix = '';
  let natsUrl = '';
  afterAll(async () => {
    await caller?.drain();
    await service?.stop();
    if (prefix) await deleteTestStream(natsUrl, prefix);
  });

  test('no token, code, verifier, secret, registration token or assertion is printed or published', async ({
    infrastructure,
    isolation,
  }) => {
    natsUrl = infrastructure.natsUrl;
    prefix = uniqueName('tok');
    await createTestStream(natsUrl, prefix);
    service = await startService('token', {
      NATS_URL: infrastructure.natsUrl,
      NATS_SUBJECT_PREFIX: prefix,
      REDIS_URL: infrastructure.redisUrl,
      REDIS_KEY_PREFIX: `${isolation.redisPrefix}proc:`,
      DATABASE_URL: isolation.databaseUrl,
      LOG_LEVEL: 'trace',
    });
    caller = await Bus.connect({
      url: infrastructure.natsUrl,
      prefix,
      service: 'gateway',
      logger: createLogger({ service: 'caller', level: 'silent' }),
    });
    const bus = caller;
    const secrets: string[] = [];
    const keep = <T extends string>(value: T): T => {
      if (value) secrets.push(value);
      return value;
    };
    const call = <T>(promise: Promise<T>) => promise.catch(() => undefined);
    const exchange = (params: Record<string, string>, authorization = '') =>
      bus.request(token.TokenService.method.exchangeToken, { params, authorization, origin: ORIGIN });

    // A confidential client: secret, registration token, code, verifier, access and refresh tokens.
    const client = await bus.request(token.TokenService.method.registerClient, {
      metadata: {
        redirectUris: [REDIRECT_URI],
        clientName: 'Secretive',
        grantTypes: ['authorization_code', 'refresh_token'],
      },
      origin: ORIGIN,
    });
    keep(client.clientSecret);
    keep(client.registrationAccessToken);
    const authorization = basic(client.clientId, client.clientSecret);
    keep(authorization.slice('Basic '.length));
    const { verifier, challenge } = pkce();
    keep(verifier);
    const { code } = await bus.request(token.TokenService.method.issueCode, {
      clientId: client.clientId,
      redirectUri: REDIRECT_URI,
      codeChallenge: challenge,
      scopes: ['repos:read'],
      resource: '',
      ...USER,
    });
    keep(code);
    // Failures first, each carrying a secret: wrong verifier (burns the code), then a replay.
    await call(
      exchange(
        {
          grant_type: 'authorization_code',
          code,
          code_verifier: keep(pkce().verifier),
          redirect_uri: REDIRECT_URI,
        },
        authorization,
      ),
    );
    await call(
      exchange(
        { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI },
        authorization,
      ),
    );
    await call(
      exchange(
        { grant_type: 'authorization_code', code: keep(`wrong-${randomUUID()}`), code_verifier: verifier },
        authorization,
      ),
    );
    await call(
      exchange(
        { grant_type: 'refresh_token', refresh_token: keep(`bogus-${randomUUID()}`) },
        basic(client.clientId, keep(`wrong-secret-${randomUUID()}`)),
      ),
    );

    const second = pkce();
    keep(second.verifier);
    const { code: code2 } = await bus.request(token.TokenService.method.issueCode, {
      clientId: client.clientId,
      redirectUri: REDIRECT_URI,
      codeChallenge: second.challenge,
      scopes: ['repos:read'],
      resource: '',
      ...USER,
    });
    keep(code2);
    const tokens = await exchange(
      {
        grant_type: 'authorization_code',
        code: code2,
        code_verifier: second.verifier,
        redirect_uri: REDIRECT_URI,
      },
      authorization,
    );
    keep(tokens.accessToken);
    keep(tokens.refreshToken);
    const rotated = await exchange(
      { grant_type: 'refresh_token', refresh_token: tokens.refreshToken },
      authorization,
    );
    keep(rotated.accessToken);
    keep(rotated.refreshToken);
    await exchange({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken }, authorization); // grace replay
    await bus.request(token.TokenService.method.introspectToken, {
      params: { token: rotated.accessToken },
      authorization,
    });
    await bus.request(token.TokenService.method.revokeToken, {
      params: { token: rotated.refreshToken },
      authorization,
    });
    await call(exchange({ grant_type: 'refresh_token', refresh_token: rotated.refreshToken }, authorization));
    await call(
      bus.request(token.TokenService.method.readClient, {
        clientId: client.clientId,
        registrationAccessToken: keep(`rat-${randomUUID()}`),
      }),
    );

    // A private_key_jwt client: the assertion, used twice.
    const keys = await generateKeyPair('ES256');
    const pkj = await bus.request(token.TokenService.method.registerClient, {
      metadata: {
        redirectUris: [REDIRECT_URI],
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k' }] }),
      },
    });
    const assertion = keep(
      await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: 'k' })
        .setIssuer(pkj.clientId)
        .setSubject(pkj.clientId)
        .setAudience('http://localhost:8080/oauth/token')
        .setExpirationTime('60s')
        .sign(keys.privateKey),
    );
    for (let i = 0; i < 2; i += 1) {
      await call(
        exchange({
          grant_type: 'refresh_token',
          refresh_token: 'x',
          client_assertion_type: JWT_BEARER_ASSERTION,
          client_assertion: assertion,
        }),
      );
    }
    await bus.request(token.TokenService.method.deleteClient, {
      clientId: client.clientId,
      registrationAccessToken: client.registrationAccessToken,
    });

    const events = await eventually(async () => {
      const all = await readEvents(bus);
      expect(all.filter((event) => event.type === 'token.client.deleted')).toHaveLength(1);
      return all;
    });
    expect(events.length).toBeGreaterThan(15);
    const published = events.map((event) => toJsonString(EventSchema, event)).join('\n');
    const output = service.output();
    expect(output).toContain('"msg":"ready"');
    expect(secrets.length).toBeGreaterThan(15);
    for (const secret of secrets) {
      expect(output, 'service output').not.toContain(secret);
      expect(published, 'published events').not.toContain(secret);
    }
  });
});
