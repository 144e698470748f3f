import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createOperationLabeler } from '@supergraph/observability';
import type { RouterContext } from './context.ts';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Circuit states as a gauge value. */
export const CIRCUIT_VALUE = { closed: 0, open: 1, halfOpen: 2, isolated: 3 } as const;

/** The router's own series, next to the HTTP and process metrics every process has. */
export function createRouterMetrics(registry: Registry) {
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations, by operation name and outcome (success or error).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Time from receiving a GraphQL operation to sending its answer, by operation name.',
    labelNames: ['operation'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const fetchDuration = new Histogram({
    name: 'subgraph_fetch_duration_seconds',
    help: 'Calls from the router to a subgraph, by subgraph and outcome (success or error).',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const fetchErrors = new Counter({
    name: 'subgraph_fetch_errors_total',
    help: 'Failed calls to a subgraph, by subgraph and reason.',
    labelNames: ['subgraph', 'reason'] as const,
    registers: [registry],
  });
  const circuit = new Gauge({
    name: 'subgraph_circuit_state',
    help: 'Circuit breaker per subgraph: 0 closed, 1 open, 2 half-open, 3 isolated.',
    labelNames: ['subgraph'] as const,
    registers: [registry],
  });
  // Operation names are the client's to choose: the labeler caps how many become series.
  const operationLabel = createOperationLabeler();

  const plugin: ApolloServerPlugin<RouterContext> = {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, response, errors }) {
          const operation = operationLabel(operationName);
          const failed =
            (errors?.length ?? 0) > 0 ||
            (response.body.kind === 'single' &&
              (response.body.singleResult.errors?.length ?? 0) > 0);
          operations.inc({ operation, outcome: failed ? 'error' : 'success' });
          operationDuration.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };

  return {
    plugin,
    /** Records one subgraph call. */
    fetched(subgraph: string, seconds: number, error?: string) {
      fetchDuration.observe({ subgraph, outcome: error ? 'error' : 'success' }, seconds);
      if (error) fetchErrors.inc({ subgraph, reason: error });
    },
    circuitChanged(subgraph: string, value: number) {
      circuit.set({ subgraph }, value);
    },
  };
}
