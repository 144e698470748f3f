# syntax=docker/dockerfile:1.7
# (The line above must stay first: it selects a Dockerfile syntax with heredocs, used below.)
#
# One recipe, one target per process:
#
#   docker build --target users -t supergraph-users .
#
#   target       runs                                  port  health
#   users        subgraphs/users/dist/index.js         4001  GET /health
#   orders       subgraphs/orders/dist/index.js        4002  GET /health
#   tasks        subgraphs/tasks/dist/index.js         4003  GET /health
#   router       router/dist/index.js                  4000  GET /health
#   worker       jobs/worker/dist/index.js             4011  GET /health (WORKER_PORT)
#   dashboard    jobs/dashboard/dist/index.js          4010  GET /health
#   coprocessor  gateways/apollo-router/dist/index.js  4005  GET /health (Apollo Router's)
#   migrate      one-off: applies the committed migrations (deploy mode), then exits
#   seed         one-off: loads the demo data and dev accounts; never run in production
#
# Sizes. A service runs from its esbuild bundle (scripts/bundle-service.ts): our workspace code
# is inside it, and only npm packages stay outside, loaded from node_modules. Installing every
# workspace's production dependencies (`npm ci --omit=dev`) gives each image about 450 MB of
# node_modules, mostly what no service loads: the Prisma CLI with `effect` and TypeScript
# (~115 MB, migrations only), Prisma's engines for other databases (~65 MB), GraphiQL and
# React (~25 MB, a development page of the router), the test helpers' mail parser and SMTP
# server. So each image gets only the packages its bundle imports, with their dependencies,
# copied from that one install (image-deps.mjs below, at the same paths, so Node resolves
# them exactly as in the full install): 30 to 70 MB each, on the ~200 MB node:24 slim base.
# The copy is checked while building: every import of the bundle resolves, and the bundle
# loads completely and stops at its configuration check; a package missing from the image
# fails the build, not the container.
#
# Every image runs as `node` (uid 1000), under tini as PID 1, which passes SIGTERM to node
# (every process drains on SIGTERM) and reaps the children the migration spawns. The code is
# owned by root: the processes cannot change it.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- the lockfile and every workspace's manifest: installs depend on these alone, so a
# source change does not re-run them.
FROM scratch AS manifests
COPY package.json package-lock.json /app/
COPY packages/auth/package.json /app/packages/auth/
COPY packages/common/package.json /app/packages/common/
COPY packages/config/package.json /app/packages/config/
COPY packages/observability/package.json /app/packages/observability/
COPY packages/lifecycle/package.json /app/packages/lifecycle/
COPY packages/http/package.json /app/packages/http/
COPY packages/subgraph/package.json /app/packages/subgraph/
COPY packages/redis/package.json /app/packages/redis/
COPY packages/testing/package.json /app/packages/testing/
COPY packages/queues/package.json /app/packages/queues/
COPY packages/mail/package.json /app/packages/mail/
COPY packages/email-jobs/package.json /app/packages/email-jobs/
COPY prisma/package.json /app/prisma/
COPY subgraphs/users/package.json /app/subgraphs/users/
COPY subgraphs/orders/package.json /app/subgraphs/orders/
COPY subgraphs/tasks/package.json /app/subgraphs/tasks/
COPY router/package.json /app/router/
COPY gateways/apollo-router/package.json /app/gateways/apollo-router/
COPY gateways/hive/package.json /app/gateways/hive/
COPY jobs/worker/package.json /app/jobs/worker/
COPY jobs/dashboard/package.json /app/jobs/dashboard/

# ---- build-time tools, kept out of the repository's source tree on purpose.
FROM scratch AS tools
# Copies the packages an image needs into OUT: those its bundles import (--entry), those a
# workspace depends on (--deps-of) or named ones (--package), each with its dependencies,
# found as Node finds them from where they are imported. Then it prunes what is never loaded,
# checks that every import of the bundles resolves inside OUT, and with --smoke runs each
# bundle with NODE_ENV=production and no secrets, which must get as far as the configuration
# check ("configuration error: ..."), so every module has been linked and evaluated.
COPY <<'EOF' /image-deps.mjs
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

// Paths are relative to the working directory: the app root that holds node_modules.
const app = process.cwd();
const [out, ...rest] = process.argv.slice(2);
const entries = [];
const depsOf = [];
const packages = [];
let smoke = false;
for (let i = 0; i < rest.length; i++) {
  const flag = rest[i];
  if (flag === '--smoke') smoke = true;
  else if (flag === '--entry') entries.push(rest[++i]);
  else if (flag === '--deps-of') depsOf.push(rest[++i]);
  else if (flag === '--package') packages.push(rest[++i]);
  else throw new Error(`unknown argument ${flag}`);
}
if (!out) throw new Error('usage: image-deps.mjs OUT [--entry FILE | --deps-of DIR | --package NAME]... [--smoke]');

const builtins = new Set(builtinModules);
// The bare specifiers an ESM bundle leaves to Node: import/export ... from, import(), require().
const IMPORT =
  /(?<![.$\w"'])(?:import\s*(?:[\w$*{}\s,]+?\s*from\s*)?|export\s*[\w$*{}\s,]*?\s*from\s*|import\s*\(\s*|(?:__)?require\s*\(\s*)["']([^"'\s./][^"'\s]*)["']/g;
const packageName = (spec) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];

function bareImports(file) {
  const specs = new Set();
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const spec = match[1];
    if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(packageName(spec))) continue;
    specs.add(spec);
  }
  return specs;
}

// The folder Node loads `name` from when it is imported in `fromDir`.
function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

const found = new Set();
const links = new Map();
const missing = [];
const queue = [];
const specsByEntry = new Map();
for (const entry of entries) {
  const specs = bareImports(entry);
  specsByEntry.set(entry, specs);
  for (const spec of specs) queue.push([packageName(spec), path.dirname(path.resolve(entry)), 'import']);
}
for (const dir of depsOf) queue.push([null, path.resolve(dir), 'workspace']);
for (const name of packages) queue.push([name, app, 'import']);

while (queue.length > 0) {
  const [name, from, kind] = queue.shift();
  let dir = name === null ? from : findPackage(name, from);
  if (!dir) {
    // Optional dependencies are builds for other platforms; a peer that npm did not install
    // is missing from the full install as well.
    if (kind === 'import' || kind === 'dependency') missing.push(`${name} (from ${path.relative(app, from) || '.'})`);
    continue;
  }
  if (lstatSync(dir).isSymbolicLink()) {
    // A workspace package: keep the link, and follow it to its folder.
    const target = readlinkSync(dir);
    links.set(path.relative(app, dir), target);
    dir = path.resolve(path.dirname(dir), target);
  }
  if (found.has(dir)) continue;
  found.add(dir);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const optionalPeers = manifest.peerDependenciesMeta ?? {};
  for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push([dep, dir, 'dependency']);
  for (const dep of Object.keys(manifest.optionalDependencies ?? {})) queue.push([dep, dir, 'optional']);
  for (const dep of Object.keys(manifest.peerDependencies ?? {})) {
    if (!optionalPeers[dep]?.optional) queue.push([dep, dir, 'peer']);
  }
}
if (missing.length > 0) throw new Error(`not installed, yet imported or depended on:\n  ${missing.join('\n  ')}`);

rmSync(out, { recursive: true, force: true });
for (const dir of found) {
  const nested = path.join(dir, 'node_modules');
  // Nested packages are copied on their own, when they are needed.
  cpSync(dir, path.join(out, path.relative(app, dir)), { recursive: true, filter: (source) => source !== nested });
}
for (const [link, target] of links) {
  mkdirSync(path.dirname(path.join(out, link)), { recursive: true });
  symlinkSync(target, path.join(out, link));
}
for (const entry of entries) cpSync(path.dirname(entry), path.join(out, path.dirname(entry)), { recursive: true });

// Never loaded at run time: type declarations, libraries' source maps, and Prisma's engines
// for other databases and for its Rust engine (our clients are generated with
// engineType = "client" for PostgreSQL and load only runtime/client and
// query_compiler_bg.postgresql.*).
const UNUSED = /\.(d\.[cm]?ts|map)$/;
const PRISMA_RUNTIME = path.join('@prisma', 'client', 'runtime');
const OTHER_ENGINES = /^(query_engine_bg\..*|query_compiler_bg\.(mysql|sqlite|sqlserver|cockroachdb)\..*)$/;
function prune(dir, inModules, inPrismaRuntime) {
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) prune(full, inModules || item.name === 'node_modules', full.endsWith(PRISMA_RUNTIME));
    else if (inModules && (UNUSED.test(item.name) || (inPrismaRuntime && OTHER_ENGINES.test(item.name)))) rmSync(full);
  }
}
prune(out, false, false);

for (const [entry, specs] of specsByEntry) {
  // Every import resolves to a file inside OUT, subpaths included: the Prisma client imports
  // its query compiler only at the first query.
  const probe = path.join(out, path.dirname(entry), `.resolve-check-${process.pid}.mjs`);
  writeFileSync(
    probe,
    `import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const bad = [];
for (const spec of ${JSON.stringify([...specs])}) {
  try {
    const url = import.meta.resolve(spec);
    if (url.startsWith('file:') && !existsSync(fileURLToPath(url))) bad.push(spec);
  } catch {
    bad.push(spec);
  }
}
if (bad.length) { console.error(bad.join('\\n')); process.exit(1); }
`,
  );
  const check = spawnSync(process.execPath, [probe], { encoding: 'utf8' });
  rmSync(probe);
  if (check.status !== 0) throw new Error(`${entry}: imports that do not resolve:\n${check.stderr}`);
  if (!smoke) continue;
  const run = spawnSync(process.execPath, [path.join(out, entry)], {
    cwd: out,
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH, HOME: '/tmp', NODE_ENV: 'production' },
  });
  if (!run.stderr.startsWith('configuration error:')) {
    throw new Error(`${entry} does not load from ${out}:\n${run.stderr || run.stdout}`);
  }
}
const size = spawnSync('du', ['-sh', out], { encoding: 'utf8' }).stdout.split(/\s/)[0];
console.log(`${out}: ${found.size} packages, ${size}`);
EOF
# The HEALTHCHECK of every image: `node healthcheck.mjs PORT_VARIABLE DEFAULT_PORT` exits 0
# when GET /health on that port answers 200 within 2.5 s. The slim base has no curl or wget,
# and node is there anyway.
COPY <<'EOF' /healthcheck.mjs
const [variable, fallback] = process.argv.slice(2);
const port = process.env[variable] || fallback;
const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2500) }).catch(() => null);
process.exit(res?.ok ? 0 : 1);
EOF

# ---- every dependency, development ones included: what the build needs.
# Install scripts stay off, as on the machines this project is developed on: they would only
# fetch Prisma's native engines, which these services never use (they query through the pg
# driver adapter and migrate through Prisma's WebAssembly engine).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY --from=manifests /app ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund --ignore-scripts

# ---- generated Prisma clients and the production bundles (Apollo Router's coprocessor, in
# gateways/apollo-router, among them).
FROM deps AS build
COPY . .
RUN npx turbo run build

# tsx runs the migration and seed commands from their TypeScript sources, as
# `npm run db:migrate` does; it is a development dependency, so it is taken from here, with
# the bin link npm's scripts find it by.
FROM deps AS tsx
COPY --from=tools /image-deps.mjs /usr/local/lib/
RUN node /usr/local/lib/image-deps.mjs /out/tsx --package tsx \
 && mkdir -p /out/tsx/node_modules/.bin \
 && ln -s ../tsx/dist/cli.mjs /out/tsx/node_modules/.bin/tsx

# ---- production dependencies of every workspace, from the same lockfile.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=manifests /app ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# ---- each image's share of it (see "Sizes" above), checked.
FROM prod-deps AS slim
COPY --from=tools /image-deps.mjs /usr/local/lib/
COPY --from=build /app/subgraphs/users/dist subgraphs/users/dist
COPY --from=build /app/subgraphs/orders/dist subgraphs/orders/dist
COPY --from=build /app/subgraphs/tasks/dist subgraphs/tasks/dist
COPY --from=build /app/router/dist router/dist
COPY --from=build /app/gateways/apollo-router/dist gateways/apollo-router/dist
COPY --from=build /app/jobs/worker/dist jobs/worker/dist
COPY --from=build /app/jobs/dashboard/dist jobs/dashboard/dist
RUN set -e; \
    for image in users:subgraphs/users orders:subgraphs/orders tasks:subgraphs/tasks \
                 router:router coprocessor:gateways/apollo-router worker:jobs/worker \
                 dashboard:jobs/dashboard; do \
      node /usr/local/lib/image-deps.mjs "/out/${image%%:*}" --entry "${image#*:}/dist/index.js" --smoke; \
    done; \
    node /usr/local/lib/image-deps.mjs /out/migrate --deps-of prisma

# ---- what every image starts from.
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=tools /healthcheck.mjs /usr/local/lib/healthcheck.mjs
ENTRYPOINT ["/usr/bin/tini", "--"]
USER node

FROM runtime AS users
COPY --from=slim /out/users/ ./
EXPOSE 4001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "USERS_PORT", "4001"]
CMD ["node", "subgraphs/users/dist/index.js"]

FROM runtime AS orders
COPY --from=slim /out/orders/ ./
EXPOSE 4002
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "ORDERS_PORT", "4002"]
CMD ["node", "subgraphs/orders/dist/index.js"]

FROM runtime AS tasks
COPY --from=slim /out/tasks/ ./
EXPOSE 4003
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "TASKS_PORT", "4003"]
CMD ["node", "subgraphs/tasks/dist/index.js"]

FROM runtime AS router
COPY --from=slim /out/router/ ./
# Production serves the committed supergraph, at the path the bundle computes from its own
# location (router/dist/../supergraph.graphql).
COPY router/supergraph.graphql router/supergraph.graphql
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "ROUTER_PORT", "4000"]
CMD ["node", "router/dist/index.js"]

# The worker serves only /health, /ready and /metrics, on WORKER_PORT.
FROM runtime AS worker
COPY --from=slim /out/worker/ ./
EXPOSE 4011
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "WORKER_PORT", "4011"]
CMD ["node", "jobs/worker/dist/index.js"]

FROM runtime AS dashboard
COPY --from=slim /out/dashboard/ ./
EXPOSE 4010
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "DASHBOARD_PORT", "4010"]
CMD ["node", "jobs/dashboard/dist/index.js"]

# Apollo Router's coprocessor (gateways/apollo-router/router.yaml): verifies tokens and signs
# the subgraph proof. Only Apollo Router may reach it: whoever can call it can have valid
# tokens turned into proofs.
FROM runtime AS coprocessor
COPY --from=slim /out/coprocessor/ ./
EXPOSE 4005
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "COPROCESSOR_PORT", "4005"]
CMD ["node", "gateways/apollo-router/dist/index.js"]

# Migrations run once per deploy, as their own job, before any replica starts; never inside a
# replica's start-up, where several would race. They need the Prisma CLI with its WebAssembly
# schema engine, the per-service prisma.config.ts (which load packages/config from source;
# the commands also load packages/lifecycle, and seeding packages/auth), the migrations, and
# tsx to run the command: the production dependencies of the prisma workspace, about 140 MB,
# none of which the services carry. The root package.json keeps `npm run db:migrate` and `npm run db:seed` working here
# too.
FROM runtime AS migrate
COPY --from=slim /out/migrate/ ./
COPY --from=tsx /out/tsx/ ./
COPY --from=build /app/prisma prisma
COPY --from=build /app/packages/config/src packages/config/src
COPY --from=build /app/packages/lifecycle/src packages/lifecycle/src
COPY --from=build /app/packages/auth/src packages/auth/src
COPY package.json tsconfig.base.json ./
ENV CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1 NPM_CONFIG_UPDATE_NOTIFIER=false
# The CLI loads each service's TypeScript config and schema, offline: a broken image fails here.
RUN for service in users orders tasks; do \
      node node_modules/prisma/build/index.js validate --config "prisma/$service/prisma.config.ts" >/dev/null || exit 1; \
    done
CMD ["node", "--import", "tsx", "prisma/src/cli/migrate.ts"]

# Demo data (dev accounts with published passwords, sample orders): opt-in, for local and
# demo environments only. Same image as migrate; run it after migrate has succeeded.
FROM migrate AS seed
CMD ["node", "--import", "tsx", "prisma/src/cli/seed.ts"]
