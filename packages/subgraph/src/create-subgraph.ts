import type { FastifyRequest } from '@supergraph/http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { PROOF_HEADER, verifyProof } from '@supergraph/auth';
import type { DocumentNode } from 'graphql';
import {
  databaseMetricsPlugin,
  type DatabaseInstruments,
  createMetrics,
  operationMetricsPlugin,
} from '@supergraph/observability';
import {
  createEdge,
  createFormatError,
  graphqlRoute,
  nulCharacterPlugin,
  type ReadyCheck,
} from '@supergraph/http';
import type { Logger } from '@supergraph/observability';
import {
  createResolverHistogram,
  resolverMetricsPlugin,
  withReferenceTiming,
} from './resolver-metrics-plugin.ts';
import type { SubgraphResolvers } from './subgraph-resolvers.ts';
import type { Viewer } from '@supergraph/auth';

/** What the router's proof says about one request. */
export type ProvenRequest = {
  viewer: Viewer | null;
  /** The client's address as the router saw it; null when the caller is one of our processes. */
  clientIp: string | null;
  request: FastifyRequest;
};

/** What every subgraph needs from its entry point. */
export type SubgraphOptions<C extends BaseContext> = {
  name: string;
  typeDefs: DocumentNode;
  /** The subgraph's generated `Resolvers`, typed from its SDL and its `Context`. */
  resolvers: SubgraphResolvers;
  /** Builds the request's context (loaders, repositories) once its proof is verified. */
  context: (request: ProvenRequest) => C;
  subgraphSecret: string;
  production: boolean;
  logger: Logger;
  ready: ReadyCheck;
  /** The database client's pool usage and statement timings, exported as metrics. */
  database?: DatabaseInstruments;
};

/**
 * Builds a subgraph's Apollo Server and its HTTP server, not listening. Only requests signed
 * by the router are served: identity comes from the router's proof, never from a header a
 * client could set.
 */
export async function createSubgraph<C extends BaseContext>(options: SubgraphOptions<C>) {
  const { logger, production } = options;
  const metrics = createMetrics(options.name);
  const resolverDuration = createResolverHistogram(metrics.registry);
  const apollo = new ApolloServer<C>({
    schema: buildSubgraphSchema([
      {
        typeDefs: options.typeDefs,
        resolvers: withReferenceTiming(options.resolvers, resolverDuration),
      },
    ]),
    includeStacktraceInErrorResponses: false,
    formatError: createFormatError(logger, production),
    introspection: !production,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      nulCharacterPlugin(),
      operationMetricsPlugin(metrics.registry),
      resolverMetricsPlugin(resolverDuration),
      ...(options.database ? [databaseMetricsPlugin<C>(metrics.registry, options.database)] : []),
    ],
    // Only the router, which signs its requests, calls a subgraph: CSRF cannot reach it.
    csrfPrevention: false,
    // The entry point owns shutdown (runSubgraph drains, then closes the pool and Redis).
    // Apollo's own handler would stop the server and re-raise the signal, killing the process
    // before that cleanup has run.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const proofs = new WeakMap<FastifyRequest, Omit<ProvenRequest, 'request'>>();
  const app = createEdge({ logger, metrics, ready: options.ready });
  graphqlRoute<C>(app, {
    service: options.name,
    apollo,
    logger,
    gate(request) {
      const header = request.headers[PROOF_HEADER];
      const proof = verifyProof(options.subgraphSecret, Array.isArray(header) ? header[0] : header);
      if (!proof.ok)
        return {
          ok: false,
          status: 401,
          code: 'UNAUTHENTICATED',
          message: `Refused: ${proof.reason}.`,
        };
      proofs.set(request, { viewer: proof.viewer, clientIp: proof.clientIp });
      return { ok: true };
    },
    context: async (request) =>
      options.context({ viewer: null, clientIp: null, ...proofs.get(request), request }),
  });
  await app.ready();
  return { apollo, app, http: app.server, metrics };
}
