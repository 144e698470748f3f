import { databaseReady } from '@supergraph/http';
import { createSubgraph } from '@supergraph/subgraph';
import type { Logger } from '@supergraph/observability';
import { databaseInstruments, type PrismaClient } from '@supergraph/prisma/tasks';
import { createContext, type Context } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { typeDefs } from './schema.ts';

export type ServerDeps = {
  db: PrismaClient;
  logger: Logger;
  subgraphSecret: string;
  production: boolean;
};

/** Builds the tasks subgraph, not listening. */
export async function createServer(deps: ServerDeps) {
  return createSubgraph<Context>({
    name: 'tasks',
    typeDefs,
    resolvers,
    context: ({ viewer }) => createContext({ db: deps.db }, viewer),
    subgraphSecret: deps.subgraphSecret,
    production: deps.production,
    logger: deps.logger,
    database: databaseInstruments(deps.db),
    ready: () => databaseReady(deps.db),
  });
}
