/** The tasks subgraph's Prisma client, bound to the `tasks` Postgres schema. */
import { PrismaClient } from '../tasks/generated/client.ts';
import { createServiceClient, type ClientOptions } from './create-client-adapter.ts';

export * from '../tasks/generated/client.ts';
export { databaseInstruments } from './create-client-adapter.ts';
export type { ClientOptions };

export function createTasksClient(options: ClientOptions): PrismaClient {
  return createServiceClient('tasks', options, (prismaOptions) => new PrismaClient(prismaOptions));
}
