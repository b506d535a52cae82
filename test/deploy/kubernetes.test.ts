// deploy/k8s, checked without a cluster: every overlay built (by our kustomize equivalent, and by
// `kubectl kustomize` when kubectl is installed, which must agree), every object valid against the
// Kubernetes schemas, and the deployment wired the way the services and the architecture need.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { build, K8S_DIR, type K8sObject, podSpec } from './lib/kustomize.ts';
import {
  dataDependencies,
  defaultOf,
  environmentProblems,
  reads,
  SERVICE_NAMES,
  type ServiceName,
} from './lib/services.ts';

const OVERLAYS = ['dev', 'prod'] as const;
const built = Object.fromEntries(OVERLAYS.map((o) => [o, build(join(K8S_DIR, 'overlays', o))])) as Record<
  (typeof OVERLAYS)[number],
  K8sObject[]
>;
const SECRET_DIR = '/var/run/secrets/gatehouse';
// Internet egress: GitHub for identity and the worker; client metadata documents and jwks_uri for token.
const INTERNET = new Set<ServiceName>(['identity', 'github-worker', 'token']);

// Parsed YAML, navigated freely; the assertions are the type checks.
// biome-ignore lint/suspicious/noExplicitAny: untyped manifests
type Any = Record<string, any>;
const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name) as Any | undefined;
const container = (objects: K8sObject[], name: string): Any =>
  (podSpec(find(objects, 'Deployment', name) as K8sObject) as Any).containers[0];

function kubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function key(o: K8sObject) {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The environment a Deployment's container gets: env plus every ConfigMap in envFrom, as built. */
function containerEnvironment(objects: K8sObject[], name: string): Record<string, string> {
  const c = container(objects, name);
  const env: Record<string, string> = {};
  for (const source of c.envFrom ?? []) {
    const configMap = find(objects, 'ConfigMap', source.configMapRef?.name);
    expect(
      configMap,
      `${name}: envFrom ${JSON.stringify(source)} is not a ConfigMap in the build`,
    ).toBeDefined();
    Object.assign(env, configMap!.data);
  }
  for (const variable of c.env ?? []) env[variable.name] = variable.value ?? '(from a reference)';
  return env;
}

async function validateModel(object: K8sObject): Promise<void> {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const module = await import(`kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`);
  const Model = module[object.kind] as new (data: unknown) => { validate(): void };
  new Model(object).validate();
}

describe.each(OVERLAYS)('deploy/k8s/overlays/%s', (overlay) => {
  const objects = built[overlay];

  test.runIf(kubectl())('builds exactly as `kubectl kustomize` does', () => {
    const output = execFileSync('kubectl', ['kustomize', join(K8S_DIR, 'overlays', overlay)], {
      encoding: 'utf8',
    });
    const expected = parseAllDocuments(output).map((d) => d.toJSON() as K8sObject);
    // kustomize wraps base64 at 76 columns; the bytes are the same.
    for (const object of expected as Any[]) {
      if (object.kind !== 'Secret') continue;
      for (const k of Object.keys(object.data ?? {})) object.data[k] = object.data[k].replace(/\s/g, '');
    }
    const byKey = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [key(o), o]));
    expect(byKey(objects)).toEqual(byKey(expected));
  });

  test('every object is valid against the Kubernetes schemas', async () => {
    for (const object of objects) await validateModel(object);
    expect(objects.length).toBeGreaterThan(30);
  });

  test('every object lands in the overlay namespace, which enforces the restricted Pod Security Standard', () => {
    const namespace = find(objects, 'Namespace', overlay === 'dev' ? 'gatehouse-dev' : 'gatehouse')!;
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const object of objects) {
      if (object.kind !== 'Namespace')
        expect(object.metadata.namespace, key(object)).toBe(namespace.metadata.name);
    }
  });

  test('every pod runs as non-root with a read-only root, no privilege escalation, no capabilities', () => {
    for (const object of objects) {
      const spec = podSpec(object) as Any | undefined;
      if (!spec) continue;
      expect(spec.securityContext?.runAsNonRoot, key(object)).toBe(true);
      expect(spec.securityContext?.seccompProfile?.type, key(object)).toBe('RuntimeDefault');
      expect(spec.automountServiceAccountToken, key(object)).toBe(false);
      const claims = (object.spec as Any).volumeClaimTemplates ?? [];
      const volumes = new Set(
        [...(spec.volumes ?? []), ...claims.map((c: Any) => c.metadata)].map((v: Any) => v.name),
      );
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        const where = `${key(object)} ${c.name}`;
        expect(c.securityContext, where).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.resources?.requests, where).toBeDefined();
        expect(c.resources?.limits?.memory, where).toBeDefined();
        for (const mount of c.volumeMounts ?? [])
          expect(volumes.has(mount.name), `${where} ${mount.name}`).toBe(true);
      }
    }
  });

  test('every service account leaves the API token unmounted', () => {
    const accounts = objects.filter((o) => o.kind === 'ServiceAccount') as Any[];
    expect(accounts.map((a) => a.metadata.name).sort()).toEqual(
      [...SERVICE_NAMES, 'gatehouse-migrate'].sort(),
    );
    for (const account of accounts) expect(account.automountServiceAccountToken).toBe(false);
  });

  test.each(SERVICE_NAMES)(
    '%s: runs its own entry point from the gatehouse image with a writable /tmp',
    (name) => {
      const c = container(objects, name);
      expect(c.args).toEqual([`services/${name}/src/main.ts`]);
      expect(c.image).toMatch(/gatehouse:[\w.-]+$/);
      expect(c.volumeMounts.map((m: Any) => m.mountPath)).toContain('/tmp');
      expect(find(objects, 'Deployment', name)!.spec.template.spec.serviceAccountName).toBe(name);
    },
  );

  test.each(SERVICE_NAMES)('%s: sets only variables it reads, and every one it requires', (name) => {
    expect(environmentProblems(name, Object.keys(containerEnvironment(objects, name)))).toEqual([]);
  });

  test.each(SERVICE_NAMES)('%s: probes /readyz and /healthz on the port the service listens on', (name) => {
    const c = container(objects, name);
    const env = containerEnvironment(objects, name);
    const healthPort = c.ports.find((p: Any) => p.name === 'health').containerPort;
    expect(healthPort).toBe(defaultOf(name, 'HEALTH_PORT'));
    expect(Number(env.HEALTH_PORT ?? healthPort)).toBe(healthPort);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    const service = find(objects, 'Service', name)!;
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': name });
    expect(service.spec.ports).toContainEqual({ name: 'health', port: healthPort, targetPort: 'health' });
  });

  test.each(SERVICE_NAMES)('%s: every *_FILE points at a key of its mounted Secret', (name) => {
    const env = containerEnvironment(objects, name);
    const spec = podSpec(find(objects, 'Deployment', name) as K8sObject) as Any;
    const files = Object.entries(env).filter(([k]) => k.endsWith('_FILE') || k === 'NATS_CREDS_FILE');
    if (files.length === 0) return;
    const mount = container(objects, name).volumeMounts.find((m: Any) => m.mountPath === SECRET_DIR);
    const volume = spec.volumes.find((v: Any) => v.name === mount?.name);
    expect(volume?.secret?.secretName).toBe(`gatehouse-${name}`);
    const secretKeys = secretKeysFor(overlay, objects, `gatehouse-${name}`);
    for (const [variable, path] of files) {
      expect(path.startsWith(`${SECRET_DIR}/`), variable).toBe(true);
      expect(secretKeys, `${variable}: Secret gatehouse-${name} has no key ${path}`).toContain(
        path.slice(SECRET_DIR.length + 1),
      );
    }
  });

  test('the gateway serves http on its PORT, and only the gateway is behind the Ingress', () => {
    const env = containerEnvironment(objects, 'mcp-gateway');
    const port = container(objects, 'mcp-gateway').ports.find((p: Any) => p.name === 'http').containerPort;
    expect(Number(env.PORT)).toBe(port);
    expect(port).toBe(defaultOf('mcp-gateway', 'PORT'));
    const ingresses = objects.filter((o) => o.kind === 'Ingress') as Any[];
    const backends = ingresses.flatMap((i) =>
      i.spec.rules.flatMap((r: Any) => r.http.paths.map((p: Any) => p.backend.service)),
    );
    for (const backend of backends) expect(backend).toEqual({ name: 'mcp-gateway', port: { name: 'http' } });
  });

  test('every service that reads PUBLIC_URL gets the same one, and the Ingress serves its host over TLS', () => {
    const urls = new Set(
      SERVICE_NAMES.filter((n) => containerEnvironment(objects, n).PUBLIC_URL !== undefined).map(
        (n) => containerEnvironment(objects, n).PUBLIC_URL,
      ),
    );
    expect(urls.size).toBe(1);
    for (const name of SERVICE_NAMES) {
      if (reads(name, 'PUBLIC_URL')) expect(containerEnvironment(objects, name).PUBLIC_URL).toBeDefined();
    }
    const publicUrl = new URL([...urls][0]!);
    const ingress = find(objects, 'Ingress', 'mcp-gateway');
    if (overlay === 'dev') {
      // Reached through kubectl port-forward.
      expect(publicUrl.origin).toBe('http://localhost:8080');
      expect(ingress).toBeUndefined();
      return;
    }
    expect(publicUrl.protocol).toBe('https:');
    expect(publicUrl.pathname).toBe('/');
    expect(ingress!.spec.rules.map((r: Any) => r.host)).toEqual([publicUrl.hostname]);
    expect(ingress!.spec.tls).toEqual([{ hosts: [publicUrl.hostname], secretName: 'gatehouse-tls' }]);
    expect(ingress!.metadata.annotations['cert-manager.io/cluster-issuer']).toBeTruthy();
  });

  test('network: default deny, DNS, and only the ingress controller reaches only the gateway', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as Any[];
    const deny = policies.find((p) => p.metadata.name === 'default-deny')!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const fromIngressController = policies.filter((p) =>
      (p.spec.ingress ?? []).some((rule: Any) =>
        (rule.from ?? []).some(
          (peer: Any) =>
            peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'ingress-nginx',
        ),
      ),
    );
    expect(fromIngressController.map((p) => p.spec.podSelector.matchLabels)).toEqual([
      { 'app.kubernetes.io/name': 'mcp-gateway' },
    ]);
    const dns = policies.find((p) => p.metadata.name === 'allow-dns')!;
    expect(dns.spec.egress[0].ports).toContainEqual({ protocol: 'UDP', port: 53 });
  });

  test.each(SERVICE_NAMES)(
    '%s: egress only to the stores its configuration names (and the internet if it needs it)',
    (name) => {
      const labels = find(objects, 'Deployment', name)!.spec.template.metadata.labels as Record<
        string,
        string
      >;
      const egress = Object.keys(labels)
        .filter((label) => label.startsWith('egress.gatehouse.dev/'))
        .map((label) => label.slice('egress.gatehouse.dev/'.length))
        .sort();
      const expected = [...dataDependencies(name), ...(INTERNET.has(name) ? ['internet'] : [])].sort();
      expect(egress).toEqual(expected);
      for (const dependency of egress) {
        const policy = find(
          objects,
          'NetworkPolicy',
          `egress-${dependency === 'internet' ? 'internet-https' : dependency}`,
        );
        expect(policy?.spec.podSelector.matchLabels).toEqual({
          [`egress.gatehouse.dev/${dependency}`]: 'true',
        });
      }
    },
  );

  test('internet egress is HTTPS to public addresses only (no private, link-local or metadata ranges)', () => {
    const policy = find(objects, 'NetworkPolicy', 'egress-internet-https')!;
    expect(policy.spec.egress).toHaveLength(1);
    expect(policy.spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    const v4 = policy.spec.egress[0].to.find((p: Any) => p.ipBlock.cidr === '0.0.0.0/0').ipBlock.except;
    for (const range of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '127.0.0.0/8']) {
      expect(v4).toContain(range);
    }
  });

  test('the gateway, the token service and the worker autoscale; every service has a disruption budget', () => {
    const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler') as Any[];
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual([
      'github-worker',
      'mcp-gateway',
      'token',
    ]);
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget') as Any[];
    expect(pdbs.map((p) => p.spec.selector.matchLabels['app.kubernetes.io/name']).sort()).toEqual(
      [...SERVICE_NAMES].sort(),
    );
  });

  test('the migration Job runs scripts/db-migrate.ts from the migrate image with DATABASE_URL', () => {
    const job = find(objects, 'Job', 'gatehouse-migrate')!;
    const c = job.spec.template.spec.containers[0];
    expect(c.args).toEqual(['scripts/db-migrate.ts']);
    expect(c.image).toMatch(/gatehouse-migrate:[\w.-]+$/);
    expect(c.env).toEqual([
      {
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'gatehouse-migrate', key: 'DATABASE_URL' } },
      },
    ]);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.metadata.labels['egress.gatehouse.dev/postgres']).toBe('true');
  });
});

/** The keys a Secret has: generated by the overlay (dev), or documented in secret.example.yaml (prod). */
function secretKeysFor(overlay: string, objects: K8sObject[], name: string): string[] {
  const generated = find(objects, 'Secret', name);
  if (generated) return Object.keys(generated.data ?? {});
  expect(overlay).toBe('prod');
  const template = exampleSecrets().find((s) => s.metadata.name === name);
  return Object.keys(template?.stringData ?? {});
}

function exampleSecrets(): Any[] {
  const text = readFileSync(join(K8S_DIR, 'base', 'secret.example.yaml'), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJSON());
}

describe('deploy/k8s/base/secret.example.yaml', () => {
  test('is a valid Secret per service and for the migration, holding placeholders only', async () => {
    const secrets = exampleSecrets();
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual(
      [...SERVICE_NAMES.map((n) => `gatehouse-${n}`), 'gatehouse-migrate'].sort(),
    );
    for (const secret of secrets) {
      await validateModel(secret as K8sObject);
      for (const value of Object.values(secret.stringData as Record<string, string>)) {
        expect(value).toMatch(/REPLACE/);
      }
    }
  });

  test('is not part of the base: production Secrets never come from git', () => {
    expect(build(join(K8S_DIR, 'base')).filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(built.prod.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('the checks themselves', () => {
  test('the Kubernetes schema validation rejects a malformed object', async () => {
    const broken = structuredClone(find(built.prod, 'Deployment', 'token')) as Any;
    broken.spec.replicas = 'three';
    await expect(validateModel(broken as K8sObject)).rejects.toThrow();
  });

  test('refuses kustomize features it does not implement instead of ignoring them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kustomize-'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'commonLabels:\n  a: b\n');
    expect(() => build(dir)).toThrow(/"commonLabels" is not supported/);
  });
});
