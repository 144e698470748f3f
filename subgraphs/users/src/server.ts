import { createSubgraph, databaseReady, tokenKey, type Logger } from '@supergraph/common';
import type { PrismaClient } from '@supergraph/prisma/users';
import { createContext, type Context } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { typeDefs } from './schema.ts';

export type ServerDeps = {
  db: PrismaClient;
  logger: Logger;
  subgraphSecret: string;
  jwtSecret: string;
  jwtTtlSeconds: number;
  production: boolean;
};

/** Builds the users subgraph, not listening. */
export async function createServer(deps: ServerDeps) {
  const key = tokenKey(deps.jwtSecret);
  return createSubgraph<Context>({
    name: 'users',
    typeDefs,
    resolvers,
    context: (viewer) =>
      createContext({ db: deps.db, tokenKey: key, tokenTtlSeconds: deps.jwtTtlSeconds }, viewer),
    subgraphSecret: deps.subgraphSecret,
    production: deps.production,
    logger: deps.logger,
    ready: () => databaseReady(deps.db),
  });
}
