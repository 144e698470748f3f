# One image recipe, one target per service: `docker build --target router .`
# syntax=docker/dockerfile:1.7

FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
COPY package.json package-lock.json turbo.json tsconfig.base.json ./
COPY packages/common/package.json packages/common/
COPY packages/testing/package.json packages/testing/
COPY packages/queues/package.json packages/queues/
COPY packages/mail/package.json packages/mail/
COPY prisma/package.json prisma/
COPY subgraphs/users/package.json subgraphs/users/
COPY subgraphs/orders/package.json subgraphs/orders/
COPY subgraphs/tasks/package.json subgraphs/tasks/
COPY router/package.json router/
COPY jobs/worker/package.json jobs/worker/
COPY jobs/dashboard/package.json jobs/dashboard/
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npx turbo run build

# Production dependencies only; the built bundles carry the workspace code.
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/package.json /app/package-lock.json ./
COPY --from=deps /app/packages ./packages
COPY --from=deps /app/prisma/package.json ./prisma/package.json
COPY --from=deps /app/subgraphs ./subgraphs
COPY --from=deps /app/router/package.json ./router/package.json
COPY --from=deps /app/jobs ./jobs
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
USER node

FROM runtime AS users
COPY --from=build --chown=node /app/subgraphs/users/dist ./subgraphs/users/dist
EXPOSE 4001
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4001/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "subgraphs/users/dist/index.js"]

FROM runtime AS orders
COPY --from=build --chown=node /app/subgraphs/orders/dist ./subgraphs/orders/dist
EXPOSE 4002
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4002/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "subgraphs/orders/dist/index.js"]

FROM runtime AS tasks
COPY --from=build --chown=node /app/subgraphs/tasks/dist ./subgraphs/tasks/dist
EXPOSE 4003
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4003/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "subgraphs/tasks/dist/index.js"]

FROM runtime AS router
COPY --from=build --chown=node /app/router/dist ./router/dist
COPY --chown=node router/supergraph.graphql ./router/supergraph.graphql
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4000/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "router/dist/index.js"]

# The job worker has no port; its liveness is the process itself.
FROM runtime AS worker
COPY --from=build --chown=node /app/jobs/worker/dist ./jobs/worker/dist
CMD ["node", "jobs/worker/dist/index.js"]

FROM runtime AS dashboard
COPY --from=build --chown=node /app/jobs/dashboard/dist ./jobs/dashboard/dist
EXPOSE 4010
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4010/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "jobs/dashboard/dist/index.js"]

# Migrations and seed run once, as their own service, never inside every replica.
FROM build AS migrate
CMD ["sh", "-c", "npm run db:migrate && npm run db:seed"]
