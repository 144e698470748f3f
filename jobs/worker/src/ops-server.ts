/**
 * The worker's operational endpoints, the same ones every other process answers: /health for
 * liveness, /ready for its dependencies, /metrics for Prometheus. The worker serves nothing
 * else over HTTP, so this is plain node:http.
 */
import http, { type ServerResponse } from 'node:http';
import { sendJson, serveOperational, type ReadyCheck } from '@supergraph/http';
import { timeHttpRequest, type Logger, type Metrics } from '@supergraph/observability';

/** What {@link createOpsServer} needs; index.ts builds it from the worker. */
export type OpsServerDeps = {
  /** The registry served at /metrics, and the histogram the server's own requests go to. */
  metrics: Metrics;
  /** Resolves with a map of failing dependencies to reasons; empty when ready. */
  ready: ReadyCheck;
  logger: Logger;
};

/** Builds the server without listening, so that tests can choose the port. */
export function createOpsServer(deps: OpsServerDeps): http.Server {
  const { metrics, logger } = deps;

  async function route(method: string, url: string, res: ServerResponse) {
    // Parsed in here, where a malformed target becomes a 500 instead of an uncaught throw.
    const path = new URL(url, 'http://localhost').pathname;
    if (method !== 'GET' && method !== 'HEAD') {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    if (!(await serveOperational(path, res, deps))) sendJson(res, 404, { error: 'not found' });
  }

  return http.createServer((req, res) => {
    timeHttpRequest(metrics, req, res);
    // Probes and scrapers send no body; whatever else arrives is not read.
    req.resume();
    route(req.method ?? 'GET', req.url ?? '/', res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'ops request failed');
      if (res.headersSent) res.end();
      else sendJson(res, 500, { error: 'internal server error' });
    });
  });
}
