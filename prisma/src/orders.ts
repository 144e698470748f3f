/** The orders subgraph's Prisma client, bound to the `orders` Postgres schema. */
import { PrismaClient } from '../orders/generated/client.ts';
import { clientOptions, withQueryListener, type ClientOptions } from './create-client-adapter.ts';

export * from '../orders/generated/client.ts';
export type { ClientOptions };

export function createOrdersClient(options: ClientOptions): PrismaClient {
  return withQueryListener(new PrismaClient(clientOptions('orders', options)), options.onQuery);
}
