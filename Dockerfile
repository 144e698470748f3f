# syntax=docker/dockerfile:1.7
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
#   web          web/scripts/serve.ts over web/dist    5173  GET /health (WEB_PORT)
#   migrate      one-off: applies the committed migrations (deploy mode), then exits
#   seed         one-off: loads the demo data and dev accounts; never run in production
#
# Each image holds one workspace and the workspaces it depends on, as `turbo prune <workspace>
# --docker` cuts them out of the monorepo: their manifests and a lockfile of just their
# packages (json/), installed before the sources arrive so that a source change does not
# re-run the install, then their sources (full/). A service runs from its esbuild bundle
# (scripts/bundle-service.ts) over the production dependencies of that pruned tree; the build
# runs each bundle to its configuration check, so a package missing from an image fails the
# build, not the container.
#
# Every image runs as `node` (uid 1000), under tini as PID 1, which passes SIGTERM to node
# (every process drains on SIGTERM) and reaps the children the migration spawns. The code is
# owned by root: the processes cannot change it.
#
# The web client is static files: its image holds the vite build (made for the router URL
# given as the build arg VITE_ROUTER_URL, the address browsers call) and the small node:http
# server that serves them, with no node_modules at all (so it has no production prune).

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- the monorepo, pruned twice per image. /build/<image> is the workspace with every
# workspace it depends on, tests' helpers included: json/ holds their manifests and lockfile,
# full/ their sources, with the build's two pieces that live outside any workspace (the base
# tsconfig and the bundler script). /prod/<image> is the same prune with the workspaces'
# devDependencies dropped first, so that an image carries no package only its tests need.
FROM ${NODE_IMAGE} AS prune
ENV TURBO_TELEMETRY_DISABLED=1
RUN --mount=type=cache,target=/root/.npm npm install --global --no-audit --no-fund turbo@2.11.11
WORKDIR /repo
COPY . .
ARG IMAGES="users:@supergraph/users orders:@supergraph/orders tasks:@supergraph/tasks \
  router:@supergraph/router coprocessor:@supergraph/apollo-router worker:@supergraph/worker \
  dashboard:@supergraph/dashboard migrate:@supergraph/prisma web:@supergraph/web"
RUN set -e; \
    for image in $IMAGES; do \
      turbo prune "${image#*:}" --docker --out-dir "/build/${image%%:*}"; \
      cp tsconfig.base.json "/build/${image%%:*}/full/"; \
      mkdir -p "/build/${image%%:*}/full/scripts"; \
      cp scripts/bundle-service.ts "/build/${image%%:*}/full/scripts/"; \
    done; \
    npm pkg delete devDependencies --workspaces; \
    for image in $IMAGES; do \
      [ "${image%%:*}" = web ] && continue; \
      turbo prune "${image#*:}" --docker --out-dir "/prod/${image%%:*}"; \
    done

# ---- every dependency of each build prune: what the build needs. Install scripts stay off,
# as on the machines this project is developed on: they would only fetch Prisma's native
# engines, which these services never use (they query through the pg driver adapter and
# migrate through Prisma's WebAssembly engine).
FROM ${NODE_IMAGE} AS deps
ENV TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY --from=prune /build /pruned
RUN --mount=type=cache,target=/root/.npm set -e; \
    for dir in /pruned/*; do \
      mkdir -p "/app/${dir##*/}" && cp -r "$dir/json/." "/app/${dir##*/}/"; \
      (cd "/app/${dir##*/}" && npm ci --no-audit --no-fund --ignore-scripts); \
    done

# ---- generated Prisma clients and each image's production bundle.
FROM deps AS build
RUN set -e; \
    for dir in /pruned/*; do cp -r "$dir/full/." "/app/${dir##*/}/"; done; \
    for image in users:@supergraph/users orders:@supergraph/orders tasks:@supergraph/tasks \
                 router:@supergraph/router coprocessor:@supergraph/apollo-router \
                 worker:@supergraph/worker dashboard:@supergraph/dashboard; do \
      (cd "/app/${image%%:*}" && npx turbo run build --filter="${image#*:}"); \
    done; \
    (cd /app/migrate && npx turbo run generate --filter=@supergraph/prisma)

# ---- the web client's static files, on their own: only they depend on the router URL. The
# build types the client from router/supergraph.graphql (GraphQL Code Generator), type-checks
# it and bundles it with vite.
FROM deps AS web-build
ARG VITE_ROUTER_URL=http://localhost:4000/graphql
RUN cp -r /pruned/web/full/. /app/web/ \
 && cd /app/web \
 && npx turbo run build --filter=@supergraph/web \
 && test -f web/dist/index.html

# ---- each image's production dependencies, from its production prune, with its bundle; each
# bundle must get as far as its configuration check ("configuration error: ...") with
# NODE_ENV=production and no secrets, so every package it imports has been found and loaded.
FROM ${NODE_IMAGE} AS prod
COPY --from=prune /prod /pruned
RUN --mount=type=cache,target=/root/.npm set -e; \
    for dir in /pruned/*; do \
      mkdir -p "/app/${dir##*/}" && cp -r "$dir/json/." "/app/${dir##*/}/"; \
      (cd "/app/${dir##*/}" && npm ci --omit=dev --no-audit --no-fund --ignore-scripts); \
    done; \
    cp -r /pruned/migrate/full/. /app/migrate/
COPY --from=build /app/users/subgraphs/users/dist /app/users/subgraphs/users/dist
COPY --from=build /app/orders/subgraphs/orders/dist /app/orders/subgraphs/orders/dist
COPY --from=build /app/tasks/subgraphs/tasks/dist /app/tasks/subgraphs/tasks/dist
COPY --from=build /app/router/router/dist /app/router/router/dist
COPY --from=build /app/coprocessor/gateways/apollo-router/dist /app/coprocessor/gateways/apollo-router/dist
COPY --from=build /app/worker/jobs/worker/dist /app/worker/jobs/worker/dist
COPY --from=build /app/dashboard/jobs/dashboard/dist /app/dashboard/jobs/dashboard/dist
COPY --from=build /app/migrate/prisma/users/generated /app/migrate/prisma/users/generated
COPY --from=build /app/migrate/prisma/orders/generated /app/migrate/prisma/orders/generated
COPY --from=build /app/migrate/prisma/tasks/generated /app/migrate/prisma/tasks/generated
RUN set -e; \
    for image in users:subgraphs/users orders:subgraphs/orders tasks:subgraphs/tasks \
                 router:router coprocessor:gateways/apollo-router worker:jobs/worker \
                 dashboard:jobs/dashboard; do \
      cd "/app/${image%%:*}"; \
      NODE_ENV=production node "${image#*:}/dist/index.js" 2>&1 | grep -q '^configuration error:' \
        || { echo "${image%%:*}: the bundle does not load"; exit 1; }; \
    done

# ---- small files every image carries: the health check that HEALTHCHECK runs, which asks the
# process's own /health on the port its variable names (or the default).
FROM scratch AS tools
COPY <<'EOF' /healthcheck.mjs
const [variable, fallback] = process.argv.slice(2);
const port = process.env[variable] || fallback;
const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2500) }).catch(() => null);
process.exit(res?.ok ? 0 : 1);
EOF

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
COPY --from=prod /app/users/ ./
EXPOSE 4001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "USERS_PORT", "4001"]
CMD ["node", "subgraphs/users/dist/index.js"]

FROM runtime AS orders
COPY --from=prod /app/orders/ ./
EXPOSE 4002
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "ORDERS_PORT", "4002"]
CMD ["node", "subgraphs/orders/dist/index.js"]

FROM runtime AS tasks
COPY --from=prod /app/tasks/ ./
EXPOSE 4003
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "TASKS_PORT", "4003"]
CMD ["node", "subgraphs/tasks/dist/index.js"]

FROM runtime AS router
COPY --from=prod /app/router/ ./
# Production serves the committed supergraph, at the path the bundle computes from its own
# location (router/dist/../supergraph.graphql).
COPY router/supergraph.graphql router/supergraph.graphql
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "ROUTER_PORT", "4000"]
CMD ["node", "router/dist/index.js"]

# The worker serves only /health, /ready and /metrics, on WORKER_PORT.
FROM runtime AS worker
COPY --from=prod /app/worker/ ./
EXPOSE 4011
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "WORKER_PORT", "4011"]
CMD ["node", "jobs/worker/dist/index.js"]

FROM runtime AS dashboard
COPY --from=prod /app/dashboard/ ./
EXPOSE 4010
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "DASHBOARD_PORT", "4010"]
CMD ["node", "jobs/dashboard/dist/index.js"]

# Apollo Router's coprocessor (gateways/apollo-router/router.yaml): verifies tokens and signs
# the subgraph proof. Only Apollo Router may reach it: whoever can call it can have valid
# tokens turned into proofs.
FROM runtime AS coprocessor
COPY --from=prod /app/coprocessor/ ./
EXPOSE 4005
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "COPROCESSOR_PORT", "4005"]
CMD ["node", "gateways/apollo-router/dist/index.js"]

# The web client: the vite build and web/scripts/serve.ts, which Node 24 runs as it is (type
# stripping), with no dependencies. index.html answers every client route.
FROM runtime AS web
COPY web/package.json ./package.json
COPY web/scripts/serve.ts ./scripts/serve.ts
COPY --from=web-build /app/web/web/dist ./dist
ENV WEB_PORT=5173
EXPOSE 5173
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "WEB_PORT", "5173"]
CMD ["node", "scripts/serve.ts"]

# Migrations run once per deploy, as their own job, before any replica starts; never inside a
# replica's start-up, where several would race. They need the Prisma CLI with its WebAssembly
# schema engine, tsx to run the command, the per-service prisma.config.ts and the workspaces
# the commands load from source (config, lifecycle, observability, auth): the pruned tree of
# the prisma workspace with its production dependencies, none of which the services carry.
# The root package.json keeps `npm run db:migrate` and `npm run db:seed` working here too.
FROM runtime AS migrate
COPY --from=prod /app/migrate/ ./
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
