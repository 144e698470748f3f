import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { render, RenderError, validateTree, type Item } from './validate-k8s.ts';

const repo = path.resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'validate-k8s-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

type Obj = Record<string, unknown>;
let fixtures = 0;

/** Writes `files` (objects become YAML documents) into a fresh directory and returns it. */
function tree(files: Record<string, string | Obj | Obj[]>): string {
  const dir = path.join(scratch, `t${++fixtures}`);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    const text =
      typeof content === 'string'
        ? content
        : (Array.isArray(content) ? content : [content]).map((doc) => stringify(doc)).join('---\n');
    writeFileSync(file, text);
  }
  return dir;
}

function deployment(name = 'web'): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000 },
          containers: [
            {
              name,
              image: `example/${name}`,
              ports: [{ name: 'http', containerPort: 8080 }],
              envFrom: [{ configMapRef: { name: 'config' } }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
              livenessProbe: { httpGet: { path: '/health', port: 8080 } },
              resources: {
                requests: { cpu: '10m', memory: '16Mi' },
                limits: { cpu: '100m', memory: '64Mi' },
              },
            },
          ],
        },
      },
    },
  };
}

function container(d: Obj): Obj {
  const spec = (d.spec as Obj).template as Obj;
  return ((spec.spec as Obj).containers as Obj[])[0]!;
}

const service = (selector: Obj = { app: 'web' }, targetPort: unknown = 'http'): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { selector, ports: [{ name: 'http', port: 80, targetPort }] },
});

const hpa = (target = 'web'): Obj => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
    minReplicas: 1,
    maxReplicas: 3,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ],
  },
});

const kustomization = (extra: Obj = {}): Obj => ({
  apiVersion: 'kustomize.config.k8s.io/v1beta1',
  kind: 'Kustomization',
  resources: ['web.yaml'],
  configMapGenerator: [{ name: 'config', literals: ['A=1'] }],
  ...extra,
});

/** The problem lines for a one-kustomization tree holding `web.yaml`. */
async function problemsOf(objects: Obj[], extra: Obj = {}): Promise<string[]> {
  const dir = tree({ 'kustomization.yaml': kustomization(extra), 'web.yaml': objects });
  return (await validateTree(dir, dir)).lines;
}

function renderError(files: Record<string, string | Obj | Obj[]>): RenderError {
  const dir = tree(files);
  try {
    render(dir);
  } catch (error) {
    assert.ok(error instanceof RenderError, String(error));
    return error;
  }
  assert.fail('the render should have failed');
}

const find = (items: Item[], kind: string, name: string): Obj => {
  const item = items.find(
    (i) => i.object.kind === kind && ((i.object.metadata as Obj).name as string).startsWith(name),
  );
  assert.ok(item, `${kind}/${name} is rendered`);
  return item.object;
};

describe('the repository manifests', () => {
  it('render and pass the schemas and the rules, base and dev overlay', async () => {
    const report = await validateTree(path.join(repo, 'deploy/k8s'), repo);
    assert.deepEqual(report.lines, []);
    assert.deepEqual(
      report.renders.map((r) => r.dir),
      ['deploy/k8s/base', 'deploy/k8s/overlays/dev'],
    );
  });

  it('dev overlay: one namespace, dev tags, merged config, hashed references, small sizes', () => {
    const items = render(path.join(repo, 'deploy/k8s/overlays/dev'));
    for (const { object } of items) {
      if (object.kind === 'Namespace') continue;
      assert.equal((object.metadata as Obj).namespace, 'supergraph-dev', `${String(object.kind)}`);
    }
    const config = find(items, 'ConfigMap', 'supergraph-config-');
    const data = config.data as Record<string, string>;
    assert.equal(data.LOG_LEVEL, 'debug');
    assert.equal(data.NODE_ENV, 'production', 'the base values stay');
    const secretName = (find(items, 'Secret', 'supergraph-secrets-').metadata as Obj).name;

    const router = find(items, 'Deployment', 'router');
    const c = container(router);
    assert.equal(c.image, 'supergraph/router:dev');
    assert.deepEqual(c.envFrom, [{ configMapRef: { name: (config.metadata as Obj).name } }]);
    const env = c.env as { valueFrom: { secretKeyRef: { name: string } } }[];
    assert.ok(env.every((v) => v.valueFrom.secretKeyRef.name === secretName));
    assert.deepEqual((c.resources as Obj).requests, { cpu: '100m', memory: '192Mi' });
    assert.ok(c.readinessProbe && c.livenessProbe, 'the patch keeps what it does not name');
    assert.equal((find(items, 'HorizontalPodAutoscaler', 'worker').spec as Obj).minReplicas, 1);

    const migrate = container(find(items, 'Job', 'migrate'));
    assert.deepEqual(migrate.command, ['sh', '-c', 'npm run db:migrate && npm run db:seed']);
  });

  it('base: production migrates without demo data, and leaves replica counts to the HPAs', () => {
    const items = render(path.join(repo, 'deploy/k8s/base'));
    assert.deepEqual(container(find(items, 'Job', 'migrate')).command, [
      'npm',
      'run',
      'db:migrate',
    ]);
    assert.ok(!items.some((i) => i.object.kind === 'Secret'), 'no secret in base');
    for (const name of ['router', 'users', 'orders', 'tasks', 'worker']) {
      assert.equal((find(items, 'Deployment', name).spec as Obj).replicas, undefined, name);
      find(items, 'HorizontalPodAutoscaler', name);
      find(items, 'PodDisruptionBudget', name);
    }
  });
});

describe('the rules', () => {
  it('accept a complete Deployment with its Service and HPA', async () => {
    assert.deepEqual(await problemsOf([deployment(), service(), hpa()]), []);
  });

  it('reject a Deployment missing its readiness probe', async () => {
    const d = deployment();
    delete container(d).readinessProbe;
    assert.deepEqual(await problemsOf([d]), [
      'web.yaml: Deployment/web: container web has no readinessProbe',
    ]);
  });

  it('reject a field of the wrong type, through the schema', async () => {
    const d = deployment();
    container(d).ports = [{ name: 'http', containerPort: '8080' }];
    const lines = await problemsOf([d]);
    assert.ok(
      lines.includes(
        'web.yaml: Deployment/web: schema: spec.template.spec.containers[0].ports[0].containerPort must be integer',
      ),
      lines.join('\n'),
    );
  });

  it('checks what kustomize sends: an unquoted yes arrives as the string it quotes', async () => {
    const d = deployment();
    container(d).args = ['--appendonly', 'yes'];
    const dir = tree({
      'kustomization.yaml': kustomization(),
      'web.yaml': stringify(d).replace("- 'yes'", '- yes').replace('- "yes"', '- yes'),
    });
    assert.deepEqual((await validateTree(dir, dir)).lines, []);
    const web = render(dir).find((item) => item.object.kind === 'Deployment')!;
    assert.deepEqual(container(web.object).args, ['--appendonly', 'yes']);
  });

  it('reject an HPA pointing at a missing Deployment', async () => {
    assert.deepEqual(await problemsOf([deployment(), hpa('api')]), [
      'web.yaml: HorizontalPodAutoscaler/web: scaleTargetRef Deployment/api does not exist',
    ]);
  });

  it('reject replicas on a Deployment an HPA scales', async () => {
    const d = deployment();
    (d.spec as Obj).replicas = 2;
    assert.deepEqual(await problemsOf([d, hpa()]), [
      'web.yaml: Deployment/web: sets spec.replicas although an HPA scales it: every apply would reset the count',
    ]);
  });

  it('reject a probe on a port the container does not declare', async () => {
    const d = deployment();
    container(d).livenessProbe = { httpGet: { path: '/health', port: 9090 } };
    assert.deepEqual(await problemsOf([d]), [
      'web.yaml: Deployment/web: container web: livenessProbe port 9090 is no containerPort',
    ]);
  });

  it('reject a Service or PDB that selects no pods, and a targetPort no pod opens', async () => {
    const pdb = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web' },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'api' } } },
    };
    assert.deepEqual(await problemsOf([deployment(), service({ app: 'api' }), pdb]), [
      'web.yaml: Service/web: its selector matches no Deployment or StatefulSet in the render',
      'web.yaml: PodDisruptionBudget/web: its selector matches no Deployment or StatefulSet in the render',
    ]);
    assert.deepEqual(await problemsOf([deployment(), service({ app: 'web' }, 'metrics')]), [
      'web.yaml: Service/web: port http: targetPort metrics is no containerPort of Deployment/web',
    ]);
  });

  it('reject a container without limits, or one that may run as root', async () => {
    const d = deployment();
    delete (container(d).resources as Obj).limits;
    const spec = ((d.spec as Obj).template as Obj).spec as Obj;
    spec.securityContext = { runAsUser: 0 };
    assert.deepEqual(await problemsOf([d]), [
      'web.yaml: Deployment/web: container web has no resources.limits.cpu',
      'web.yaml: Deployment/web: container web has no resources.limits.memory',
      'web.yaml: Deployment/web: container web does not set runAsNonRoot: true',
      'web.yaml: Deployment/web: container web runs as uid 0',
    ]);
  });

  it('reject a reference to a missing ConfigMap, or to a key a generated Secret lacks', async () => {
    const d = deployment();
    container(d).env = [
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'secrets', key: 'TOKEN' } } },
    ];
    const lines = await problemsOf([d], {
      configMapGenerator: [],
      secretGenerator: [{ name: 'secrets', literals: ['OTHER=x'] }],
    });
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.equal(
      lines[0],
      'web.yaml: Deployment/web: refers to ConfigMap config, which the render does not contain',
    );
    // The generated Secret's hashed name, as the rendered reference reads.
    assert.match(
      lines[1] ?? '',
      /^web\.yaml: Deployment\/web: refers to key TOKEN of Secret secrets-[a-z0-9]{10}, which it lacks$/,
    );
  });

  it('report an unknown kind instead of skipping it', async () => {
    const odd = { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'web' } };
    assert.deepEqual(await problemsOf([deployment(), odd]), [
      'web.yaml: Deploymnet/web: no Kubernetes schema for apiVersion apps/v1 kind Deploymnet',
    ]);
  });
});

describe('the render, by kustomize', () => {
  it("reports a kustomization kustomize cannot build, with kustomize's reason", () => {
    const missing = renderError({ 'kustomization.yaml': kustomization() });
    assert.match(missing.file, /kustomization\.yaml$/);
    assert.match(missing.message, /web\.yaml/);
    const unknown = renderError({
      'kustomization.yaml': kustomization({ notAField: true }),
      'web.yaml': deployment(),
    });
    assert.match(unknown.message, /notAField/);
  });

  it('names the file an object comes from, and the kustomization for generated ones', () => {
    const dir = tree({ 'kustomization.yaml': kustomization(), 'web.yaml': deployment() });
    const items = render(dir);
    const web = items.find((item) => item.object.kind === 'Deployment');
    assert.equal(web?.file, path.join(dir, 'web.yaml'));
    const config = items.find((item) => item.object.kind === 'ConfigMap');
    assert.match(String((config?.object.metadata as Obj).name), /^config-[a-z0-9]{10}$/);
    assert.equal(config?.file, path.join(dir, 'kustomization.yaml'));
    // The generated name reaches every reference to it.
    assert.deepEqual(container(web!.object).envFrom, [
      { configMapRef: { name: (config!.object.metadata as Obj).name } },
    ]);
  });

  it('validates a Secret whose generated base64 kustomize folds over lines', async () => {
    const long = `URL=${'x'.repeat(120)}`;
    const d = deployment();
    container(d).envFrom = [
      { configMapRef: { name: 'config' } },
      { secretRef: { name: 'secrets' } },
    ];
    const lines = await problemsOf([d], {
      secretGenerator: [{ name: 'secrets', literals: [long] }],
    });
    assert.deepEqual(lines, []);
  });
});

describe('npm run validate:k8s', () => {
  const run = (dir: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/validate-k8s.ts', dir], {
      cwd: repo,
      encoding: 'utf8',
    });

  it('exits 1 with one line per problem', () => {
    const d = deployment();
    delete container(d).readinessProbe;
    const dir = tree({ 'kustomization.yaml': kustomization(), 'web.yaml': [d, hpa('api')] });
    const result = run(dir);
    assert.equal(result.status, 1);
    const rel = path.relative(repo, path.join(dir, 'web.yaml'));
    assert.deepEqual(result.stderr.trim().split('\n'), [
      `${rel}: Deployment/web: container web has no readinessProbe`,
      `${rel}: HorizontalPodAutoscaler/web: scaleTargetRef Deployment/api does not exist`,
      'validate-k8s: 2 problem(s)',
    ]);
  });

  it('exits 0 with a summary line when everything passes', () => {
    const result = run('deploy/k8s');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^validate-k8s: 2 kustomizations .* valid against/);
  });
});
