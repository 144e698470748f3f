/** The users subgraph's Prisma client, bound to the `users` Postgres schema. */
import { PrismaClient } from '../users/generated/client.ts';
import { createServiceClient, type ClientOptions } from './create-client-adapter.ts';

export * from '../users/generated/client.ts';
export { databaseInstruments } from './create-client-adapter.ts';
export type { ClientOptions };

export function createUsersClient(options: ClientOptions): PrismaClient {
  return createServiceClient('users', options, (prismaOptions) => new PrismaClient(prismaOptions));
}
