import type { IncomingMessage } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import { createFormatError } from './format-error.ts';
import { createGraphQLHttpServer, type ReadyCheck } from './http-server.ts';
import type { Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { PROOF_HEADER, verifyProof } from './subgraph-proof.ts';
import type { Viewer } from './viewer.ts';

/** What every subgraph needs from its entry point. */
export type SubgraphOptions<C extends BaseContext> = {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<C>;
  /** Builds the request's context (loaders, repositories) once its viewer is known. */
  context: (viewer: Viewer | null, req: IncomingMessage) => C;
  subgraphSecret: string;
  production: boolean;
  logger: Logger;
  ready: ReadyCheck;
};

/**
 * Builds a subgraph's Apollo Server and its HTTP server, not listening. Only requests signed
 * by the router are served: identity comes from the router's proof, never from a header a
 * client could set.
 */
export async function createSubgraph<C extends BaseContext>(options: SubgraphOptions<C>) {
  const { logger, production } = options;
  const apollo = new ApolloServer<C>({
    schema: buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers }]),
    includeStacktraceInErrorResponses: false,
    formatError: createFormatError(logger, production),
    introspection: !production,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
    // Only the router, which signs its requests, calls a subgraph: CSRF cannot reach it.
    csrfPrevention: false,
  });
  await apollo.start();
  const metrics = createMetrics(options.name);

  const viewers = new WeakMap<IncomingMessage, Viewer | null>();
  const http = createGraphQLHttpServer<C>({
    apollo,
    logger,
    metrics,
    ready: options.ready,
    gate(req) {
      const header = req.headers[PROOF_HEADER];
      const proof = verifyProof(options.subgraphSecret, Array.isArray(header) ? header[0] : header);
      if (!proof.ok)
        return {
          ok: false,
          status: 401,
          code: 'UNAUTHENTICATED',
          message: `Refused: ${proof.reason}.`,
        };
      viewers.set(req, proof.viewer);
      return { ok: true };
    },
    context: async (req) => options.context(viewers.get(req) ?? null, req),
  });
  return { apollo, http, metrics };
}
