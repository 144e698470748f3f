/**
 * `npm run validate:k8s`: renders every kustomization under deploy/k8s (base and each overlay)
 * with kustomize (`kubectl kustomize`), then checks each object against the Kubernetes JSON
 * schema of its kind (from `kubernetes-models`) and against the rules below. Nothing here talks
 * to a cluster or downloads anything, so CI can run it offline.
 *
 * The render is kustomize's own, so what is validated is exactly what `kubectl apply -k` would
 * send; `KUBECTL` names another kubectl binary.
 *
 * Our rules, beyond the schemas: every container of a Deployment or StatefulSet has readiness
 * and liveness probes, resource requests and limits, and runs as non-root; probe and Service
 * ports name a real containerPort; every Service, PodDisruptionBudget and
 * HorizontalPodAutoscaler reaches an existing workload; referenced ConfigMaps and Secrets (and
 * their keys) exist where the render generates them.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
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
const KUBECTL = process.env.KUBECTL || 'kubectl';
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
// Rendering, by the real kustomize.

function kustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((name) => path.join(dir, name)).find((file) => existsSync(file));
}

function parseYaml(text: string, file: string): Obj[] {
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

/**
 * Where each object of the render is written, by kind and name, so that a problem names the
 * file to fix rather than the kustomization. Generated and unparseable ones are left out: their
 * problems name the kustomization.
 */
function sourceFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.ya?ml$/.test(entry.name) && !KUSTOMIZATION_FILES.includes(entry.name)) {
        try {
          for (const object of parseYaml(readFileSync(file, 'utf8'), file)) {
            const ref = refOf(object);
            if (!files.has(ref)) files.set(ref, file);
          }
        } catch {
          // Not a manifest (or a broken one, which kustomize itself reports).
        }
      }
    }
  };
  walk(root);
  return files;
}

/**
 * Renders the kustomization in `dir` with `kubectl kustomize`, which is what `kubectl apply -k`
 * builds. `sources` is the tree searched for the file each object comes from.
 */
export function render(dir: string, sources = dir): Item[] {
  const kustomization = kustomizationFile(dir) ?? dir;
  // A secrets.env is the operator's, never in git: where there is none, its example's keys
  // stand in while rendering, so the shape of the Secret is still checked.
  const secrets = path.join(dir, 'secrets.env');
  const example = `${secrets}.example`;
  const standIn = !existsSync(secrets) && existsSync(example);
  if (standIn) copyFileSync(example, secrets);
  const result = spawnSync(KUBECTL, ['kustomize', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (standIn) rmSync(secrets);
  if (result.error) {
    throw new RenderError(
      kustomization,
      `cannot run "${KUBECTL} kustomize" (${result.error.message}): install kubectl, or set KUBECTL`,
    );
  }
  if (result.status !== 0) {
    const reason = result.stderr.split('\n').find((line) => line.trim()) ?? `exit ${result.status}`;
    throw new RenderError(kustomization, reason.replace(/^Error: /, ''));
  }
  const files = sourceFiles(sources);
  const objects = parseYaml(result.stdout, kustomization);
  for (const object of objects) {
    // kustomize folds long base64 values of generated Secrets over several lines; the API
    // server's decoder skips the line breaks, the schema's "byte" format does not.
    const data = kindOf(object) === 'Secret' ? objAt(object.data) : undefined;
    for (const [key, value] of Object.entries(data ?? {})) {
      if (typeof value === 'string') data![key] = value.replace(/\s+/g, '');
    }
  }
  return objects.map((object) => ({
    object,
    file: files.get(refOf(object)) ?? kustomization,
  }));
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
      items = render(dir, root);
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
