// A kustomize equivalent for the features deploy/k8s uses, so the overlays are built and checked in
// `npm test` without kubectl. Anything else in a kustomization is refused loudly rather than ignored:
// the overlays must stay within what this builder (and therefore the tests) understands.
// When kubectl is installed, kustomize.test.ts compares this builder's output with `kubectl kustomize`.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Generator {
  name: string;
  literals?: string[];
  envs?: string[];
  behavior?: string;
  options?: unknown;
  type?: string;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  patches?: { path?: string; patch?: string; target?: unknown; options?: unknown }[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'patches',
  'labels',
  'images',
  'replicas',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
]);

// Kinds without a namespace (the ones a deployment could plausibly contain).
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'ClusterIssuer',
]);

// Strategic-merge keys of the list fields the overlays patch (Kubernetes' patchMergeKey tags).
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
};

/** Builds a kustomization directory into its list of objects. */
export function build(dir: string): K8sObject[] {
  const file = join(dir, 'kustomization.yaml');
  const kustomization = parseYaml(file)[0] as Kustomization;
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED.has(key))
      throw new Error(`${file}: kustomize field "${key}" is not supported by this builder`);
  }

  let objects: K8sObject[] = [];
  for (const entry of kustomization.resources ?? []) {
    const path = resolve(dir, entry);
    objects.push(...(statSync(path).isDirectory() ? build(path) : (parseYaml(path) as K8sObject[])));
  }
  objects.push(...generate(dir, kustomization));

  for (const patch of kustomization.patches ?? []) {
    if (patch.target !== undefined || patch.options !== undefined) {
      throw new Error(`${file}: patch targets and options are not supported; name the object in the patch`);
    }
    const documents = patch.path
      ? parseYaml(resolve(dir, patch.path))
      : parseAllDocuments(patch.patch ?? '').map((d) => d.toJSON());
    for (const document of documents as K8sObject[]) objects = applyPatch(objects, document, file);
  }

  if (kustomization.namespace) {
    for (const object of objects) {
      if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    }
  }
  for (const label of kustomization.labels ?? []) {
    if (label.includeSelectors || label.includeTemplates) {
      throw new Error(`${file}: labels with includeSelectors/includeTemplates are not supported`);
    }
    for (const object of objects) object.metadata.labels = { ...object.metadata.labels, ...label.pairs };
  }
  for (const image of kustomization.images ?? []) {
    for (const container of podContainers(objects)) {
      const current = String(container.image);
      if (imageName(current) !== image.name) continue;
      const tag = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : imageTag(current);
      container.image = `${image.newName ?? image.name}${tag}`;
    }
  }
  for (const { name, count } of kustomization.replicas ?? []) {
    const targets = objects.filter(
      (o) => ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(o.kind) && o.metadata.name === name,
    );
    if (targets.length === 0) throw new Error(`${file}: replicas: no workload named ${name}`);
    for (const target of targets) (target.spec as JsonObject).replicas = count;
  }
  return objects;
}

function parseYaml(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
      return document.toJSON();
    })
    .filter((value) => value !== null && value !== undefined);
}

function generate(dir: string, kustomization: Kustomization): K8sObject[] {
  const generators = [
    ...(kustomization.configMapGenerator ?? []).map((g) => ({ kind: 'ConfigMap', g })),
    ...(kustomization.secretGenerator ?? []).map((g) => ({ kind: 'Secret', g })),
  ];
  if (generators.length > 0 && !kustomization.generatorOptions?.disableNameSuffixHash) {
    throw new Error(
      `${dir}: generators need generatorOptions.disableNameSuffixHash (name hashes are unsupported)`,
    );
  }
  return generators.map(({ kind, g }) => {
    if ((g.behavior ?? 'create') !== 'create' || g.options !== undefined) {
      throw new Error(`${dir}: generator ${g.name}: only behavior "create" without options is supported`);
    }
    const data: Record<string, string> = {};
    const lines = [
      ...(g.literals ?? []),
      ...(g.envs ?? []).flatMap((env) =>
        readFileSync(resolve(dir, env), 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '' && !line.trim().startsWith('#')),
      ),
    ];
    for (const line of lines) {
      const at = line.indexOf('=');
      if (at < 1) throw new Error(`${dir}: generator ${g.name}: "${line}" is not KEY=value`);
      data[line.slice(0, at)] = line.slice(at + 1);
    }
    if (kind === 'ConfigMap') return { apiVersion: 'v1', kind, metadata: { name: g.name }, data };
    const encoded = Object.fromEntries(
      Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    );
    return { apiVersion: 'v1', kind, metadata: { name: g.name }, type: g.type ?? 'Opaque', data: encoded };
  });
}

function sameObject(a: K8sObject, b: K8sObject): boolean {
  return (
    a.kind === b.kind &&
    a.metadata.name === b.metadata.name &&
    (b.metadata.namespace === undefined || a.metadata.namespace === b.metadata.namespace) &&
    a.apiVersion.split('/')[0] === b.apiVersion.split('/')[0]
  );
}

function applyPatch(objects: K8sObject[], patch: K8sObject, file: string): K8sObject[] {
  const matches = objects.filter((o) => sameObject(o, patch));
  if (matches.length !== 1) {
    throw new Error(
      `${file}: patch for ${patch.kind}/${patch.metadata?.name} matches ${matches.length} objects`,
    );
  }
  const { $patch, ...rest } = patch as K8sObject & { $patch?: string };
  if ($patch === 'delete') return objects.filter((o) => o !== matches[0]);
  if ($patch !== undefined) throw new Error(`${file}: $patch: ${$patch} is not supported`);
  merge(matches[0] as unknown as JsonObject, rest as unknown as JsonObject);
  return objects;
}

/** Strategic merge: maps merge, `null` deletes a key, keyed lists merge by their merge key. */
function merge(target: JsonObject, patch: JsonObject): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (value === null) {
      delete target[key];
    } else if (isObject(value) && isObject(current)) {
      merge(current, value);
    } else if (Array.isArray(value) && Array.isArray(current) && MERGE_KEYS[key]) {
      target[key] = mergeList(current, value, MERGE_KEYS[key]);
    } else {
      target[key] = structuredClone(value);
    }
  }
}

function mergeList(current: Json[], patch: Json[], mergeKey: string): Json[] {
  const result = [...current];
  for (const item of patch) {
    if (!isObject(item))
      throw new Error(`strategic merge: list item ${JSON.stringify(item)} is not an object`);
    const { $patch, ...fields } = item;
    const index = result.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
    if ($patch === 'delete') {
      if (index < 0)
        throw new Error(`strategic merge: nothing to delete where ${mergeKey}=${item[mergeKey]}`);
      result.splice(index, 1);
    } else if (index >= 0) {
      merge(result[index] as JsonObject, fields);
    } else {
      result.push(structuredClone(fields));
    }
  }
  return result;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The pod spec of a workload, whatever its kind. */
export function podSpec(object: K8sObject): JsonObject | undefined {
  const spec = object.spec as JsonObject | undefined;
  if (object.kind === 'Pod') return spec;
  if (object.kind === 'CronJob') {
    return ((((spec?.jobTemplate as JsonObject)?.spec as JsonObject)?.template as JsonObject)?.spec ??
      undefined) as JsonObject | undefined;
  }
  return ((spec?.template as JsonObject | undefined)?.spec ?? undefined) as JsonObject | undefined;
}

function podContainers(objects: K8sObject[]): JsonObject[] {
  return objects.flatMap((object) => {
    const spec = podSpec(object);
    return [...((spec?.containers as JsonObject[]) ?? []), ...((spec?.initContainers as JsonObject[]) ?? [])];
  });
}

function imageName(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

function imageTag(image: string): string {
  return image.slice(imageName(image).length);
}

export const K8S_DIR = resolve(dirname(new URL(import.meta.url).pathname), '../../../deploy/k8s');
