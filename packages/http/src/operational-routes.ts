import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from '@supergraph/observability';
import { createOpsAccess, DEFAULT_OPS_ALLOW_CIDRS } from './ops-access.ts';

/** Resolves with a map of failing dependencies to reasons; empty when ready. */
export type ReadyCheck = () => Promise<Record<string, string>>;

/**
 * The endpoints every process answers, the same everywhere: `/health` (alive), `/ready` (200,
 * or 503 naming each failing dependency) and `/metrics` (Prometheus text). None needs
 * credentials: probes and scrapers carry none. `/health` tells nothing and stays open; `/ready`
 * names dependencies and their errors and `/metrics` the traffic, so those two answer only
 * connections from `opsAllowCidrs`, and are a plain 404 to anyone else.
 */
export function operationalRoutes(
  app: FastifyInstance,
  {
    ready,
    metrics,
    opsAllowCidrs = DEFAULT_OPS_ALLOW_CIDRS,
  }: { ready: ReadyCheck; metrics: Metrics; opsAllowCidrs?: readonly string[] | undefined },
): void {
  const allowed = createOpsAccess(opsAllowCidrs);
  // The connection's address, never X-Forwarded-For, which the client writes. A request that
  // a proxy relayed (it carries X-Forwarded-For or Forwarded) is refused too: behind an ingress
  // the connection comes from inside the cluster, but the client does not.
  const internal = (request: FastifyRequest) =>
    allowed(request.raw.socket.remoteAddress) &&
    request.headers['x-forwarded-for'] === undefined &&
    request.headers.forwarded === undefined;

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (request, reply) => {
    if (!internal(request)) return reply.callNotFound();
    const failures = await ready().catch((error: unknown) => ({ ready: String(error) }));
    if (Object.keys(failures).length === 0) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready', failures });
  });
  app.get('/metrics', async (request, reply) => {
    if (!internal(request)) return reply.callNotFound();
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
