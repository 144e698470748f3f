/**
 * The worker's operational endpoints, the same ones every other process answers: /health for
 * liveness, /ready for its dependencies, /metrics for Prometheus. The worker serves nothing
 * else over HTTP.
 */
import type { Server } from 'node:http';
import { createEdge, type ReadyCheck } from '@supergraph/http';
import type { Logger, Metrics } from '@supergraph/observability';

/** What {@link createOpsServer} needs; index.ts builds it from the worker. */
export type OpsServerDeps = {
  /** The registry served at /metrics, and the histogram the server's own requests go to. */
  metrics: Metrics;
  /** Resolves with a map of failing dependencies to reasons; empty when ready. */
  ready: ReadyCheck;
  logger: Logger;
};

/** Builds the server without listening, so that tests can choose the port. */
export async function createOpsServer(deps: OpsServerDeps): Promise<Server> {
  const app = createEdge(deps);
  await app.ready();
  return app.server;
}
