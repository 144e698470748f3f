import { databaseReady } from '@supergraph/http';
import { createSubgraph } from '@supergraph/subgraph';
import type { Logger } from '@supergraph/observability';
import { databaseInstruments, type PrismaClient } from '@supergraph/prisma/tasks';
import { createContext, type Context } from './context.ts';
import { DEFAULT_TASK_QUOTAS, type TaskQuotas } from './data/task-repository.ts';
import { resolvers } from './resolvers/index.ts';
import { typeDefs } from './schema.ts';

export type ServerDeps = {
  db: PrismaClient;
  logger: Logger;
  subgraphSecret: string;
  production: boolean;
  /** What one account may keep (TASKS_PER_ACCOUNT, REMINDERS_PER_ACCOUNT); 500 and 100 by default. */
  quotas?: TaskQuotas;
};

/** Builds the tasks subgraph, not listening. */
export async function createServer(deps: ServerDeps) {
  return createSubgraph<Context>({
    name: 'tasks',
    typeDefs,
    resolvers,
    context: ({ viewer }) =>
      createContext({ db: deps.db, quotas: deps.quotas ?? DEFAULT_TASK_QUOTAS }, viewer),
    subgraphSecret: deps.subgraphSecret,
    production: deps.production,
    logger: deps.logger,
    database: databaseInstruments(deps.db),
    ready: () => databaseReady(deps.db),
  });
}
