import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = {
  registry: Registry;
  httpDuration: Histogram<'method' | 'status'>;
};

/** A registry per process, with Node's process metrics and HTTP timings. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration, by method and status.',
    labelNames: ['method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, httpDuration };
}

/** Times one HTTP request into `http_request_duration_seconds` once its answer is sent. */
export function timeHttpRequest(metrics: Metrics, req: IncomingMessage, res: ServerResponse): void {
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.httpDuration.observe(
      { method: req.method ?? 'GET', status: String(res.statusCode) },
      seconds,
    );
  });
}

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Turns operation names into label values of bounded number. Names are the caller's to choose
 * (a client's, or the router's derived from a client's), so the first `limit` distinct ones
 * keep their name and any later one counts as "other"; so does a name that is not a plain
 * GraphQL name. An unnamed operation is "anonymous".
 */
export function createOperationLabeler(limit = 200): (name: string | null | undefined) => string {
  const names = new Set<string>();
  return (name) => {
    if (!name) return 'anonymous';
    if (names.has(name)) return name;
    if (!OPERATION_NAME.test(name) || names.size >= limit) return 'other';
    names.add(name);
    return name;
  };
}

/** Counts operations as `graphql_operations_total{operation,outcome}`, outcome success or error. */
export function operationMetricsPlugin<C extends BaseContext>(
  registry: Registry,
): ApolloServerPlugin<C> {
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations, by operation name and outcome (success or error).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const operationLabel = createOperationLabeler();
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operationName, request, response, errors }) {
          const failed =
            (errors?.length ?? 0) > 0 ||
            (response.body.kind === 'single' &&
              (response.body.singleResult.errors?.length ?? 0) > 0);
          operations.inc({
            // An operation refused before it was resolved (not valid) has only the name the
            // caller sent with it.
            operation: operationLabel(operationName ?? request.operationName),
            outcome: failed ? 'error' : 'success',
          });
        },
      };
    },
  };
}
