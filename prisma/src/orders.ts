/** The orders subgraph's Prisma client, bound to the `orders` Postgres schema. */
import { PrismaClient } from '../orders/generated/client.ts';
import { createServiceClient, type ClientOptions } from './create-client-adapter.ts';

export * from '../orders/generated/client.ts';
export { databaseInstruments } from './create-client-adapter.ts';
export type { ClientOptions };

export function createOrdersClient(options: ClientOptions): PrismaClient {
  return createServiceClient('orders', options, (prismaOptions) => new PrismaClient(prismaOptions));
}
