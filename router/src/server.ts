import { randomUUID } from 'node:crypto';
import { ApolloGateway, type SupergraphSdlHook } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  createFormatError,
  createGraphQLHttpServer,
  createMetrics,
  tokenKey,
  type Logger,
} from '@supergraph/common';
import { viewerFromRequest } from './auth.ts';
import type { RouterContext } from './context.ts';
import { corsPolicy } from './cors.ts';
import { createGraphiqlRoutes } from './graphiql.ts';
import { SignedDataSource } from './signed-data-source.ts';

export type RouterDeps = {
  logger: Logger;
  production: boolean;
  supergraph: SupergraphSdlHook;
  subgraphUrls: Record<string, string>;
  jwtSecret: string;
  subgraphSecret: string;
  corsOrigins: readonly string[];
  maxBodyBytes: number;
};

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Builds the router (gateway, Apollo Server and HTTP server), not listening. */
export async function createServer(deps: RouterDeps) {
  const { logger, production } = deps;
  const key = tokenKey(deps.jwtSecret);
  const gateway = new ApolloGateway({
    supergraphSdl: deps.supergraph,
    buildService: ({ name, url }) =>
      new SignedDataSource(deps.subgraphUrls[name] ?? url ?? '', deps.subgraphSecret),
    logger,
  });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    formatError: createFormatError(logger, production),
    csrfPrevention: true,
    plugins: [
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
  await apollo.start();
  const metrics = createMetrics('router');

  const http = createGraphQLHttpServer<RouterContext>({
    apollo,
    logger,
    metrics,
    maxBodyBytes: deps.maxBodyBytes,
    cors: corsPolicy(production, deps.corsOrigins),
    routes: production ? {} : createGraphiqlRoutes(),
    context: async (req) => {
      const given = req.headers['x-request-id'];
      const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      return { viewer: await viewerFromRequest(req, key), requestId };
    },
    ready: async () => {
      const failures: Record<string, string> = {};
      await Promise.all(
        Object.entries(deps.subgraphUrls).map(async ([name, url]) => {
          try {
            const res = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(2000) });
            if (!res.ok) failures[name] = `health answered ${res.status}`;
          } catch (error) {
            failures[name] = error instanceof Error ? error.message : String(error);
          }
        }),
      );
      return failures;
    },
  });
  return { apollo, gateway, http, metrics };
}
