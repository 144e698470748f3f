/**
 * `npm run validate:k8s`: renders every kustomization under deploy/k8s (base and each overlay)
 * with a small kustomize of our own, then checks each object against the Kubernetes JSON schema
 * of its kind (from `kubernetes-models`) and against the rules below. Nothing here talks to a
 * cluster or downloads anything, so CI can run it offline.
 *
 * The renderer covers the kustomize features the manifests use: resources (files and nested
 * kustomization directories), namespace, commonLabels and labels, images, replicas, patches
 * (strategic merge), and configMapGenerator / secretGenerator with literals. Any other field
 * stops the render with an error, so that a manifest never depends on something validated
 * differently from how kustomize would build it.
 *
 * Our rules, beyond the schemas: every container of a Deployment or StatefulSet has readiness
 * and liveness probes, resource requests and limits, and runs as non-root; probe and Service
 * ports name a real containerPort; every Service, PodDisruptionBudget and
 * HorizontalPodAutoscaler reaches an existing workload; referenced ConfigMaps and Secrets (and
 * their keys) exist where the render generates them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';

type Obj = Record<string, unknown>;

/** One rendered object and the file it came from (for generated ones, the kustomization). */
export type Item = {
  object: Obj;
  file: string;
  /** Set on generated ConfigMaps and Secrets until the final render renames them. */
  generated?: { hash: boolean };
};

/** One problem, printed as `file: Kind/name: message`. */
export type Problem = { file: string; ref: string; message: string };

/** A kustomization that cannot be rendered: its file and why. */
export class RenderError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'commonLabels',
  'labels',
  'images',
  'replicas',
  'patches',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
]);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'RuntimeClass',
]);
/** Kinds whose pods run for good: the ones the probe rules apply to. */
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

// ---------------------------------------------------------------------------------------------
// Small accessors over parsed YAML.

const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const objAt = (value: unknown): Obj | undefined => (isObj(value) ? value : undefined);
const listAt = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const strAt = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
const clone = <T>(value: T): T => structuredClone(value);

/** The object at `keys` below `root`, created on the way when `create` is set. */
function dig(root: Obj, keys: string[], create = false): Obj | undefined {
  let node: Obj = root;
  for (const key of keys) {
    const next = node[key];
    if (isObj(next)) node = next;
    else if (create && next === undefined) node = node[key] = {};
    else return undefined;
  }
  return node;
}

const kindOf = (o: Obj) => strAt(o.kind) ?? '?';
const nameOf = (o: Obj) => strAt(objAt(o.metadata)?.name) ?? '?';
const namespaceOf = (o: Obj) => strAt(objAt(o.metadata)?.namespace) ?? '';
const refOf = (o: Obj) => `${kindOf(o)}/${nameOf(o)}`;
const groupOf = (o: Obj) => {
  const apiVersion = strAt(o.apiVersion) ?? '';
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
};
const idOf = (o: Obj) => `${groupOf(o)}|${kindOf(o)}|${namespaceOf(o)}|${nameOf(o)}`;

/** The pod template's spec of a workload (Deployment, Job, CronJob, …), or a Pod's own spec. */
function podSpecOf(o: Obj): Obj | undefined {
  switch (kindOf(o)) {
    case 'Pod':
      return objAt(o.spec);
    case 'CronJob':
      return dig(o, ['spec', 'jobTemplate', 'spec', 'template', 'spec']);
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return dig(o, ['spec', 'template', 'spec']);
    default:
      return undefined;
  }
}

function templateMetadataOf(o: Obj, create: boolean): Obj | undefined {
  if (kindOf(o) === 'CronJob') {
    return dig(o, ['spec', 'jobTemplate', 'spec', 'template', 'metadata'], create);
  }
  if (LONG_RUNNING.has(kindOf(o)) || kindOf(o) === 'Job') {
    return dig(o, ['spec', 'template', 'metadata'], create);
  }
  return undefined;
}

const containersOf = (spec: Obj | undefined): Obj[] =>
  [...listAt(spec?.initContainers), ...listAt(spec?.containers)].filter(isObj);

// ---------------------------------------------------------------------------------------------
// Rendering.

function readYamlObjects(file: string): Obj[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new RenderError(file, 'cannot be read');
  }
  // YAML 1.1, as kubectl reads it: an unquoted `yes` is a boolean there, not a string.
  const docs = parseAllDocuments(text, { version: '1.1' });
  const objects: Obj[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const error = doc.errors[0];
    if (error) throw new RenderError(file, `YAML: ${error.message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isObj(value)) throw new RenderError(file, 'each YAML document must be a mapping');
    objects.push(value);
  }
  return objects;
}

function kustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((name) => path.join(dir, name)).find((file) => existsSync(file));
}

/** Renders the kustomization in `dir` as `kubectl apply -k dir` would build it. */
export function render(dir: string): Item[] {
  const items = build(path.resolve(dir), []);
  return finalize(items);
}

function build(dir: string, stack: string[]): Item[] {
  const file = kustomizationFile(dir);
  if (!file) throw new RenderError(dir, 'no kustomization.yaml in this directory');
  if (stack.includes(dir)) throw new RenderError(file, 'includes itself through its resources');
  const [k, ...extra] = readYamlObjects(file);
  if (!k || extra.length > 0) throw new RenderError(file, 'must hold exactly one document');
  for (const field of Object.keys(k)) {
    if (!SUPPORTED_FIELDS.has(field)) {
      throw new RenderError(file, `unsupported kustomization field "${field}"`);
    }
  }
  if (k.kind !== undefined && k.kind !== 'Kustomization') {
    throw new RenderError(file, `kind must be Kustomization, not ${String(k.kind)}`);
  }

  const items: Item[] = [];
  const add = (item: Item) => {
    const clash = items.find((other) => idOf(other.object) === idOf(item.object));
    if (clash) {
      throw new RenderError(item.file, `${refOf(item.object)} is already defined in ${clash.file}`);
    }
    items.push(item);
  };

  for (const entry of stringList(k, 'resources', file)) {
    if (entry.includes('://') || entry.startsWith('github.com/')) {
      throw new RenderError(file, `remote resource "${entry}" is not supported`);
    }
    const target = path.resolve(dir, entry);
    if (!existsSync(target)) throw new RenderError(file, `resource "${entry}" does not exist`);
    if (statSync(target).isDirectory()) {
      for (const item of build(target, [...stack, dir])) add(item);
    } else {
      for (const object of readYamlObjects(target)) {
        if (!strAt(object.apiVersion) || !strAt(object.kind) || nameOf(object) === '?') {
          throw new RenderError(target, 'every object needs apiVersion, kind and metadata.name');
        }
        add({ object, file: target });
      }
    }
  }

  generate(k, file, items, add);
  for (const entry of listAt(k.patches)) applyPatch(entry, dir, file, items);
  if (k.namespace !== undefined) setNamespace(k.namespace, file, items);
  if (k.commonLabels !== undefined) {
    addLabels(stringMap(k.commonLabels, 'commonLabels', file), items, true, true);
  }
  for (const entry of listAt(k.labels)) {
    const spec = knownFields(
      entry,
      ['pairs', 'includeSelectors', 'includeTemplates'],
      file,
      'labels',
    );
    const pairs = stringMap(spec.pairs, 'labels[].pairs', file);
    addLabels(pairs, items, spec.includeSelectors === true, spec.includeTemplates === true);
  }
  for (const entry of listAt(k.replicas)) setReplicas(entry, file, items);
  for (const entry of listAt(k.images)) setImages(entry, file, items);
  return items;
}

function stringList(k: Obj, field: string, file: string): string[] {
  const value = k[field];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
    throw new RenderError(file, `${field} must be a list of strings`);
  }
  return value as string[];
}

function stringMap(value: unknown, field: string, file: string): Record<string, string> {
  if (!isObj(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new RenderError(file, `${field} must map names to strings`);
  }
  return value as Record<string, string>;
}

function knownFields(value: unknown, fields: string[], file: string, where: string): Obj {
  if (!isObj(value)) throw new RenderError(file, `${where}: each entry must be a mapping`);
  for (const key of Object.keys(value)) {
    if (!fields.includes(key)) throw new RenderError(file, `${where}: unsupported field "${key}"`);
  }
  return value;
}

// Generators ----------------------------------------------------------------------------------

function generate(k: Obj, file: string, items: Item[], add: (item: Item) => void): void {
  const defaults = knownFields(
    k.generatorOptions ?? {},
    ['disableNameSuffixHash', 'labels', 'annotations'],
    file,
    'generatorOptions',
  );
  for (const kind of ['ConfigMap', 'Secret'] as const) {
    const field = kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator';
    for (const entry of listAt(k[field])) {
      const allowed = ['name', 'namespace', 'behavior', 'literals', 'options'];
      const spec = knownFields(
        entry,
        kind === 'Secret' ? [...allowed, 'type'] : allowed,
        file,
        field,
      );
      const name = strAt(spec.name);
      if (!name) throw new RenderError(file, `${field}: every entry needs a name`);
      const options = {
        ...defaults,
        ...knownFields(
          spec.options ?? {},
          ['disableNameSuffixHash', 'labels', 'annotations'],
          file,
          `${field} ${name} options`,
        ),
      };
      const data: Record<string, string> = {};
      for (const literal of stringList(spec, 'literals', file)) {
        const at = literal.indexOf('=');
        const key = literal.slice(0, at);
        if (at < 1 || !/^[-._a-zA-Z0-9]+$/.test(key)) {
          throw new RenderError(file, `${field} ${name}: "${literal}" is not KEY=VALUE`);
        }
        data[key] = unquote(literal.slice(at + 1));
      }
      const encoded =
        kind === 'Secret'
          ? Object.fromEntries(
              Object.entries(data).map(([key, v]) => [key, Buffer.from(v).toString('base64')]),
            )
          : data;
      const behavior = strAt(spec.behavior) ?? 'create';
      const metadata: Obj = { name };
      if (spec.namespace !== undefined) metadata.namespace = spec.namespace;
      if (options.labels !== undefined) {
        metadata.labels = { ...stringMap(options.labels, 'options.labels', file) };
      }
      if (options.annotations !== undefined) {
        metadata.annotations = { ...stringMap(options.annotations, 'options.annotations', file) };
      }
      const hash = options.disableNameSuffixHash !== true;

      if (behavior === 'create') {
        const object: Obj = { apiVersion: 'v1', kind, metadata, data: encoded };
        if (kind === 'Secret') object.type = strAt(spec.type) ?? 'Opaque';
        add({ object, file, generated: { hash } });
        continue;
      }
      if (behavior !== 'merge' && behavior !== 'replace') {
        throw new RenderError(file, `${field} ${name}: unknown behavior "${behavior}"`);
      }
      const base = items.find(
        (item) => item.generated && kindOf(item.object) === kind && nameOf(item.object) === name,
      );
      if (!base) {
        throw new RenderError(
          file,
          `${field} ${name}: behavior ${behavior} finds no ${kind} to change`,
        );
      }
      const baseMeta = objAt(base.object.metadata) ?? {};
      base.object.data =
        behavior === 'merge' ? { ...objAt(base.object.data), ...encoded } : encoded;
      for (const key of ['labels', 'annotations'] as const) {
        if (metadata[key]) baseMeta[key] = { ...objAt(baseMeta[key]), ...objAt(metadata[key]) };
      }
      if (spec.options !== undefined || k.generatorOptions !== undefined) {
        base.generated = { hash };
      }
      base.file = file;
    }
  }
}

/** kustomize drops one pair of matching quotes around a literal's value. */
function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/s.exec(value);
  return quoted ? (quoted[2] ?? '') : value;
}

// Patches (strategic merge) -------------------------------------------------------------------

/** List fields merged item by item, by this key; every other list is replaced whole. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};

function applyPatch(entry: unknown, dir: string, file: string, items: Item[]): void {
  const spec = knownFields(entry, ['path', 'patch', 'target'], file, 'patches');
  let patches: Obj[];
  let source = file;
  if (typeof spec.path === 'string') {
    source = path.resolve(dir, spec.path);
    patches = readYamlObjectsOrList(source);
  } else if (typeof spec.patch === 'string') {
    const docs = parseAllDocuments(spec.patch, { version: '1.1' });
    const values = (Array.isArray(docs) ? docs : [docs]).map((doc) => {
      const error = doc.errors[0];
      if (error) throw new RenderError(file, `inline patch: ${error.message.split('\n')[0]}`);
      return doc.toJS() as unknown;
    });
    patches = values.filter((value): value is Obj => isObj(value));
    if (values.some((value) => value !== null && !isObj(value))) {
      throw new RenderError(
        file,
        'patches: JSON 6902 patches are not supported; use a strategic merge patch',
      );
    }
  } else {
    throw new RenderError(file, 'patches: each entry needs a path or an inline patch');
  }
  const target =
    spec.target === undefined
      ? undefined
      : knownFields(spec.target, ['kind', 'name', 'namespace'], file, 'patches[].target');

  for (const patch of patches) {
    const matches = items.filter((item) => {
      const o = item.object;
      if (target) {
        return (
          (target.kind === undefined || kindOf(o) === target.kind) &&
          (target.name === undefined || nameOf(o) === target.name) &&
          (target.namespace === undefined || namespaceOf(o) === target.namespace)
        );
      }
      return (
        kindOf(o) === kindOf(patch) &&
        nameOf(o) === nameOf(patch) &&
        (namespaceOf(patch) === '' || namespaceOf(o) === namespaceOf(patch))
      );
    });
    if (matches.length === 0) {
      throw new RenderError(source, `patch for ${refOf(patch)} matches no resource`);
    }
    if (!target && matches.length > 1) {
      throw new RenderError(source, `patch for ${refOf(patch)} matches more than one resource`);
    }
    for (const item of matches) {
      const body = clone(patch);
      if (target) {
        // With a target, the patch's own identity does not select and must not rename.
        delete body.metadata;
      }
      item.object = mergeObject(item.object, body, source) as Obj;
    }
  }
}

function readYamlObjectsOrList(file: string): Obj[] {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (text === undefined) throw new RenderError(file, 'patch file does not exist');
  if (/^\s*-\s+op:/m.test(text)) {
    throw new RenderError(file, 'JSON 6902 patches are not supported; use a strategic merge patch');
  }
  return readYamlObjects(file);
}

function mergeObject(base: unknown, patch: Obj, file: string): unknown {
  const directive = patch.$patch;
  if (directive !== undefined && directive !== 'replace') {
    throw new RenderError(file, `unsupported $patch: ${String(directive)} here`);
  }
  const { $patch: _ignored, ...rest } = patch;
  if (directive === 'replace' || !isObj(base)) return stripDirectives(rest, file);
  const result: Obj = { ...base };
  for (const [key, value] of Object.entries(rest)) {
    if (key.startsWith('$')) throw new RenderError(file, `unsupported patch directive ${key}`);
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(base[key], value, key, file);
    else if (isObj(value)) result[key] = mergeObject(base[key], value, file);
    else result[key] = value;
  }
  return result;
}

function mergeList(base: unknown, patch: unknown[], field: string, file: string): unknown[] {
  // Container ports merge by containerPort; Service ports by port.
  const key =
    field === 'ports'
      ? patch.some((item) => isObj(item) && 'containerPort' in item)
        ? 'containerPort'
        : 'port'
      : MERGE_KEYS[field];
  if (!key || !Array.isArray(base)) return patch.map((item) => stripDirectives(item, file));
  const result = [...base];
  for (const item of patch) {
    if (!isObj(item) || item[key] === undefined) {
      throw new RenderError(file, `each item of ${field} in a patch needs its ${key}`);
    }
    const at = result.findIndex((existing) => isObj(existing) && existing[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) result.splice(at, 1);
    } else if (at >= 0) {
      result[at] = mergeObject(result[at], item, file);
    } else {
      result.push(stripDirectives(item, file));
    }
  }
  return result;
}

function stripDirectives(value: unknown, file: string): unknown {
  if (Array.isArray(value)) return value.map((item) => stripDirectives(item, file));
  if (!isObj(value)) return value;
  const result: Obj = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$patch' && v === 'replace') continue;
    if (key.startsWith('$')) throw new RenderError(file, `unsupported patch directive ${key}`);
    result[key] = stripDirectives(v, file);
  }
  return result;
}

// Transformers --------------------------------------------------------------------------------

function setNamespace(value: unknown, file: string, items: Item[]): void {
  if (typeof value !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    throw new RenderError(file, `namespace "${String(value)}" is not a valid name`);
  }
  for (const item of items) {
    if (CLUSTER_SCOPED.has(kindOf(item.object))) continue;
    dig(item.object, ['metadata'], true)!.namespace = value;
  }
}

function addLabels(
  labels: Record<string, string>,
  items: Item[],
  selectors: boolean,
  templates: boolean,
): void {
  for (const { object } of items) {
    const kind = kindOf(object);
    Object.assign(dig(object, ['metadata', 'labels'], true)!, labels);
    if (selectors) {
      const template = templateMetadataOf(object, true);
      if (template) Object.assign(dig(template, ['labels'], true)!, labels);
    } else if (templates) {
      // kustomize's includeTemplates reaches only spec.template.metadata.labels, where present.
      const existing = objAt(dig(object, ['spec', 'template', 'metadata'])?.labels);
      if (existing) Object.assign(existing, labels);
    }
    if (!selectors) continue;
    if (kind === 'Service') Object.assign(dig(object, ['spec', 'selector'], true)!, labels);
    if (LONG_RUNNING.has(kind) || kind === 'PodDisruptionBudget') {
      Object.assign(dig(object, ['spec', 'selector', 'matchLabels'], true)!, labels);
    }
  }
}

function setReplicas(entry: unknown, file: string, items: Item[]): void {
  const spec = knownFields(entry, ['name', 'count'], file, 'replicas');
  if (typeof spec.count !== 'number' || !Number.isInteger(spec.count) || spec.count < 0) {
    throw new RenderError(file, `replicas ${String(spec.name)}: count must be a whole number`);
  }
  const targets = items.filter(
    (item) => SCALABLE.has(kindOf(item.object)) && nameOf(item.object) === spec.name,
  );
  if (targets.length === 0) {
    throw new RenderError(
      file,
      `replicas: no Deployment or StatefulSet named ${String(spec.name)}`,
    );
  }
  for (const item of targets) dig(item.object, ['spec'], true)!.replicas = spec.count;
}

/** Splits `registry:5000/name:tag@digest` into its name, tag and digest. */
export function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const [withTag = '', digest] = image.split('@', 2);
  const slash = withTag.lastIndexOf('/');
  const colon = withTag.lastIndexOf(':');
  if (colon > slash) {
    return { name: withTag.slice(0, colon), tag: withTag.slice(colon + 1), digest };
  }
  return { name: withTag, digest };
}

function setImages(entry: unknown, file: string, items: Item[]): void {
  const spec = knownFields(entry, ['name', 'newName', 'newTag', 'digest'], file, 'images');
  const name = strAt(spec.name);
  if (!name) throw new RenderError(file, 'images: every entry needs a name');
  let matched = false;
  for (const { object } of items) {
    for (const container of containersOf(podSpecOf(object))) {
      const image = strAt(container.image);
      if (image === undefined) continue;
      const current = parseImage(image);
      if (current.name !== name) continue;
      matched = true;
      const newName = strAt(spec.newName) ?? current.name;
      const digest = strAt(spec.digest) ?? (spec.newTag === undefined ? current.digest : undefined);
      const tag = spec.newTag === undefined ? current.tag : String(spec.newTag);
      container.image = digest
        ? `${newName}@${digest}`
        : tag !== undefined
          ? `${newName}:${tag}`
          : newName;
    }
  }
  if (!matched) throw new RenderError(file, `images: no container uses image ${name}`);
}

// Names of generated objects ------------------------------------------------------------------

/** A content hash in kustomize's style: sha256 of the sorted JSON, 10 characters. */
function nameSuffix(object: Obj): string {
  const sorted = (value: unknown): unknown =>
    isObj(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, sorted(value[key])]),
        )
      : value;
  const encoded: Obj = { kind: kindOf(object), name: nameOf(object), data: object.data ?? {} };
  if (kindOf(object) === 'Secret') encoded.type = object.type;
  const json = JSON.stringify(sorted(encoded)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const hex = createHash('sha256').update(json).digest('hex').slice(0, 10);
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return hex.replace(/[013ae]/g, (c) => swap[c] ?? c);
}

/** Gives generated objects their hashed names and points every reference at them. */
function finalize(items: Item[]): Item[] {
  const renamed = new Map<string, string>();
  for (const item of items) {
    if (!item.generated) continue;
    if (item.generated.hash) {
      const meta = dig(item.object, ['metadata'], true)!;
      const next = `${nameOf(item.object)}-${nameSuffix(item.object)}`;
      renamed.set(`${kindOf(item.object)}|${namespaceOf(item.object)}|${meta.name}`, next);
      meta.name = next;
    }
    delete item.generated;
  }
  for (const { object } of items) {
    const spec = podSpecOf(object);
    if (!spec) continue;
    const ns = namespaceOf(object);
    forEachReference(spec, (kind, holder, field) => {
      const next = renamed.get(`${kind}|${ns}|${String(holder[field])}`);
      if (next) holder[field] = next;
    });
  }
  return items;
}

type ReferenceVisitor = (
  kind: 'ConfigMap' | 'Secret',
  holder: Obj,
  field: string,
  key?: string,
  optional?: boolean,
) => void;

/** Every place a pod spec names a ConfigMap or Secret. */
function forEachReference(spec: Obj, visit: ReferenceVisitor): void {
  for (const container of containersOf(spec)) {
    for (const source of listAt(container.envFrom).filter(isObj)) {
      const cm = objAt(source.configMapRef);
      if (cm) visit('ConfigMap', cm, 'name', undefined, cm.optional === true);
      const secret = objAt(source.secretRef);
      if (secret) visit('Secret', secret, 'name', undefined, secret.optional === true);
    }
    for (const variable of listAt(container.env).filter(isObj)) {
      const from = objAt(variable.valueFrom);
      const cm = objAt(from?.configMapKeyRef);
      if (cm) visit('ConfigMap', cm, 'name', strAt(cm.key), cm.optional === true);
      const secret = objAt(from?.secretKeyRef);
      if (secret) visit('Secret', secret, 'name', strAt(secret.key), secret.optional === true);
    }
  }
  for (const volume of listAt(spec.volumes).filter(isObj)) {
    const cm = objAt(volume.configMap);
    if (cm) visit('ConfigMap', cm, 'name', undefined, cm.optional === true);
    const secret = objAt(volume.secret);
    if (secret) visit('Secret', secret, 'secretName', undefined, secret.optional === true);
    for (const projected of listAt(objAt(volume.projected)?.sources).filter(isObj)) {
      const pcm = objAt(projected.configMap);
      if (pcm) visit('ConfigMap', pcm, 'name', undefined, pcm.optional === true);
      const psecret = objAt(projected.secret);
      if (psecret) visit('Secret', psecret, 'name', undefined, psecret.optional === true);
    }
  }
  for (const pull of listAt(spec.imagePullSecrets).filter(isObj)) visit('Secret', pull, 'name');
}

// ---------------------------------------------------------------------------------------------
// Validation.

type Validator = { validate(): void };
type ModelClass = new (data: Obj) => Validator;
const models = new Map<string, ModelClass | null>();

/** The kubernetes-models class for an apiVersion and kind, or null when it has none. */
async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | null> {
  const key = `${apiVersion}|${kind}`;
  if (models.has(key)) return models.get(key) ?? null;
  let model: ModelClass | null = null;
  // Only built-in API groups' names reach the import: never a path taken from a manifest.
  if (/^([a-z0-9.]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion) && /^[A-Z]\w*$/.test(kind)) {
    try {
      const module = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<
        string,
        unknown
      >;
      const found = module[kind];
      if (typeof found === 'function') model = found as ModelClass;
    } catch {
      model = null;
    }
  }
  models.set(key, model);
  return model;
}

type SchemaError = { instancePath?: string; message?: string; params?: Record<string, unknown> };

function schemaMessages(error: unknown): string[] {
  const errors = (error as { errors?: SchemaError[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    return [error instanceof Error ? error.message : String(error)];
  }
  const lines = errors.map((e) => {
    const at = (e.instancePath ?? '')
      .split('/')
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
      .join('')
      .replace(/^\./, '');
    const allowed = e.params?.allowedValues;
    const detail = Array.isArray(allowed) ? ` (${allowed.join(', ')})` : '';
    return `schema: ${at || '(root)'} ${e.message ?? 'is invalid'}${detail}`;
  });
  return [...new Set(lines)];
}

const selects = (selector: Obj | undefined, labels: Obj | undefined): boolean =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/** The schema checks and our own rules over one render. */
export async function validateItems(items: Item[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  const report = (item: Item, message: string) =>
    problems.push({ file: item.file, ref: refOf(item.object), message });

  for (const item of items) {
    const apiVersion = strAt(item.object.apiVersion) ?? '';
    const model = await modelFor(apiVersion, kindOf(item.object));
    if (!model) {
      report(item, `no Kubernetes schema for apiVersion ${apiVersion} kind ${kindOf(item.object)}`);
      continue;
    }
    try {
      new model(clone(item.object)).validate();
    } catch (error) {
      for (const message of schemaMessages(error)) report(item, message);
    }
  }

  const workloads = items.filter(
    (item) => SCALABLE.has(kindOf(item.object)) || kindOf(item.object) === 'DaemonSet',
  );
  const sameNamespace = (a: Obj, b: Obj) => namespaceOf(a) === namespaceOf(b);
  const podLabels = (w: Item) => objAt(templateMetadataOf(w.object, false)?.labels);
  const hpaTargets = new Set<string>();

  for (const item of items) {
    const o = item.object;
    const kind = kindOf(o);
    const podSpec = podSpecOf(o);

    if (podSpec) checkPod(item, podSpec, report);

    if (LONG_RUNNING.has(kind)) {
      const selector = objAt(dig(o, ['spec', 'selector'])?.matchLabels);
      if (!selects(selector, podLabels(item))) {
        report(item, 'spec.selector.matchLabels does not match the pod template labels');
      }
    }

    if (kind === 'HorizontalPodAutoscaler') {
      const target = objAt(dig(o, ['spec'])?.scaleTargetRef);
      const found = workloads.find(
        (w) =>
          sameNamespace(w.object, o) &&
          kindOf(w.object) === target?.kind &&
          nameOf(w.object) === target?.name,
      );
      if (!found) {
        report(
          item,
          `scaleTargetRef ${String(target?.kind)}/${String(target?.name)} does not exist`,
        );
      } else {
        hpaTargets.add(idOf(found.object));
      }
      const spec = objAt(o.spec);
      if (typeof spec?.minReplicas === 'number' && typeof spec.maxReplicas === 'number') {
        if (spec.minReplicas > spec.maxReplicas) report(item, 'minReplicas exceeds maxReplicas');
      }
    }

    if (kind === 'Service' || kind === 'PodDisruptionBudget') {
      const selector =
        kind === 'Service'
          ? objAt(dig(o, ['spec'])?.selector)
          : objAt(dig(o, ['spec', 'selector'])?.matchLabels);
      const targets = workloads.filter(
        (w) => sameNamespace(w.object, o) && selects(selector, podLabels(w)),
      );
      if (targets.length === 0) {
        report(item, 'its selector matches no Deployment or StatefulSet in the render');
      } else if (kind === 'Service') {
        for (const port of listAt(dig(o, ['spec'])?.ports).filter(isObj)) {
          const wanted = port.targetPort ?? port.port;
          for (const target of targets) {
            const containers = containersOf(podSpecOf(target.object));
            if (!containers.some((c) => hasContainerPort(c, wanted))) {
              report(
                item,
                `port ${String(port.name ?? port.port)}: targetPort ${String(wanted)} is no containerPort of ${refOf(target.object)}`,
              );
            }
          }
        }
      }
    }

    if (kind === 'StatefulSet') {
      const serviceName = dig(o, ['spec'])?.serviceName;
      const service = items.find(
        (s) =>
          kindOf(s.object) === 'Service' &&
          nameOf(s.object) === serviceName &&
          sameNamespace(s.object, o),
      );
      if (!service)
        report(item, `serviceName ${String(serviceName)} names no Service in the render`);
    }
  }

  for (const w of workloads) {
    if (hpaTargets.has(idOf(w.object)) && dig(w.object, ['spec'])?.replicas !== undefined) {
      report(w, 'sets spec.replicas although an HPA scales it: every apply would reset the count');
    }
  }

  // Where a render generates its Secrets (an overlay), every reference must resolve; the base
  // refers to Secrets that production creates outside git.
  const generatesSecrets = items.some((item) => kindOf(item.object) === 'Secret');
  for (const item of items) {
    const podSpec = podSpecOf(item.object);
    if (!podSpec) continue;
    forEachReference(podSpec, (kind, holder, field, key, optional) => {
      if (optional || (kind === 'Secret' && !generatesSecrets)) return;
      const name = strAt(holder[field]);
      const found = items.find(
        (other) =>
          kindOf(other.object) === kind &&
          nameOf(other.object) === name &&
          sameNamespace(other.object, item.object),
      );
      if (!found) {
        report(item, `refers to ${kind} ${String(name)}, which the render does not contain`);
      } else if (key !== undefined) {
        const data = { ...objAt(found.object.data), ...objAt(found.object.stringData) };
        if (!(key in data))
          report(item, `refers to key ${key} of ${kind} ${String(name)}, which it lacks`);
      }
    });
  }
  return problems;
}

function hasContainerPort(container: Obj, port: unknown): boolean {
  return listAt(container.ports)
    .filter(isObj)
    .some((p) => (typeof port === 'string' ? p.name === port : p.containerPort === port));
}

function checkPod(item: Item, spec: Obj, report: (item: Item, message: string) => void): void {
  const kind = kindOf(item.object);
  const podSecurity = objAt(spec.securityContext);
  for (const container of containersOf(spec)) {
    const name = String(container.name);
    const isInit = listAt(spec.initContainers).includes(container);
    if (LONG_RUNNING.has(kind) && !isInit) {
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        if (!isObj(container[probe])) report(item, `container ${name} has no ${probe}`);
      }
    }
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const handler = objAt(container[probe]);
      if (!handler) continue;
      for (const action of ['httpGet', 'tcpSocket', 'grpc']) {
        const port = objAt(handler[action])?.port;
        if (port !== undefined && !hasContainerPort(container, port)) {
          report(item, `container ${name}: ${probe} port ${String(port)} is no containerPort`);
        }
      }
    }
    const resources = objAt(container.resources);
    for (const bound of ['requests', 'limits']) {
      const values = objAt(resources?.[bound]);
      for (const resource of ['cpu', 'memory']) {
        if (values?.[resource] === undefined) {
          report(item, `container ${name} has no resources.${bound}.${resource}`);
        }
      }
    }
    const security = objAt(container.securityContext);
    const nonRoot = security?.runAsNonRoot ?? podSecurity?.runAsNonRoot;
    const user = security?.runAsUser ?? podSecurity?.runAsUser;
    if (nonRoot !== true) report(item, `container ${name} does not set runAsNonRoot: true`);
    if (user === 0) report(item, `container ${name} runs as uid 0`);
  }
}

// ---------------------------------------------------------------------------------------------
// The command.

/** Every directory under `root` that holds a kustomization, base and overlays alike. */
export function findKustomizations(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (kustomizationFile(dir)) found.push(dir);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
    }
  };
  walk(root);
  return found.sort();
}

export type Report = {
  /** One line per problem: `file: Kind/name: what is wrong`. */
  lines: string[];
  renders: { dir: string; objects: number }[];
};

/** Renders and validates every kustomization under `root`. */
export async function validateTree(root: string, cwd = process.cwd()): Promise<Report> {
  const rel = (file: string) => path.relative(cwd, file) || '.';
  const lines = new Map<string, string[]>();
  const renders: Report['renders'] = [];
  for (const dir of findKustomizations(root)) {
    const where = rel(dir);
    const note = (line: string) => lines.set(line, [...(lines.get(line) ?? []), where]);
    let items: Item[];
    try {
      items = render(dir);
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      note(`${rel(error.file)}: Kustomization: ${error.message}`);
      continue;
    }
    renders.push({ dir: where, objects: items.length });
    for (const problem of await validateItems(items)) {
      note(`${rel(problem.file)}: ${problem.ref}: ${problem.message}`);
    }
  }
  // A problem of a shared file shows once; one that only some renders have says which.
  const everywhere = findKustomizations(root).length;
  return {
    lines: [...lines].map(([line, dirs]) =>
      dirs.length === everywhere ? line : `${line} [in ${dirs.join(', ')}]`,
    ),
    renders,
  };
}

async function main(): Promise<void> {
  const root = path.resolve(process.argv[2] ?? 'deploy/k8s');
  if (!existsSync(root)) {
    console.error(`validate-k8s: ${root} does not exist`);
    process.exit(1);
  }
  const { lines, renders } = await validateTree(root);
  for (const line of lines) console.error(line);
  if (lines.length > 0 || renders.length === 0) {
    console.error(
      `validate-k8s: ${lines.length} problem(s)${renders.length === 0 ? ', no kustomization rendered' : ''}`,
    );
    process.exit(1);
  }
  const { version } = JSON.parse(
    readFileSync(new URL(import.meta.resolve('kubernetes-models/package.json')), 'utf8'),
  ) as { version: string };
  const objects = renders.reduce((sum, r) => sum + r.objects, 0);
  console.log(
    `validate-k8s: ${renders.length} kustomizations (${renders
      .map((r) => `${r.dir}: ${r.objects} objects`)
      .join(
        ', ',
      )}), ${objects} objects valid against the kubernetes-models ${version} schemas and the house rules`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
