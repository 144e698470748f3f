import type { FastifyInstance } from 'fastify';
import type { Metrics } from '@supergraph/observability';

/** Resolves with a map of failing dependencies to reasons; empty when ready. */
export type ReadyCheck = () => Promise<Record<string, string>>;

/**
 * The endpoints every process answers, the same everywhere: `/health` (alive), `/ready` (200,
 * or 503 naming each failing dependency) and `/metrics` (Prometheus text). None needs
 * credentials: probes and scrapers carry none, and none of these reveals data.
 */
export function operationalRoutes(
  app: FastifyInstance,
  { ready, metrics }: { ready: ReadyCheck; metrics: Metrics },
): void {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const failures = await ready().catch((error: unknown) => ({ ready: String(error) }));
    if (Object.keys(failures).length === 0) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready', failures });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
