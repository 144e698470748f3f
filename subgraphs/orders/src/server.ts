import { databaseReady } from '@supergraph/http';
import { createSubgraph } from '@supergraph/subgraph';
import type { Logger } from '@supergraph/observability';
import { databaseInstruments, type PrismaClient } from '@supergraph/prisma/orders';
import { createContext, type Context } from './context.ts';
import type { OrderEventPublisher } from './order-event-publisher.ts';
import { resolvers } from './resolvers/index.ts';
import { typeDefs } from './schema.ts';

export {
  createOrderEventPublisher,
  type OrderEventPublisher,
  type OrderEventPublisherOptions,
} from './order-event-publisher.ts';

export type ServerDeps = {
  db: PrismaClient;
  /** Where committed changes to orders are announced, for the routers' live updates. */
  orderEvents: OrderEventPublisher;
  logger: Logger;
  subgraphSecret: string;
  production: boolean;
};

/** Builds the orders subgraph, not listening. */
export async function createServer(deps: ServerDeps) {
  return createSubgraph<Context>({
    name: 'orders',
    typeDefs,
    resolvers,
    context: ({ viewer }) => createContext(deps, viewer),
    subgraphSecret: deps.subgraphSecret,
    production: deps.production,
    logger: deps.logger,
    database: databaseInstruments(deps.db),
    ready: () => databaseReady(deps.db),
  });
}
