/** The tasks subgraph's Prisma client, bound to the `tasks` Postgres schema. */
import { PrismaClient } from '../tasks/generated/client.ts';
import { clientOptions, withQueryListener, type ClientOptions } from './create-client-adapter.ts';

export * from '../tasks/generated/client.ts';
export type { ClientOptions };

export function createTasksClient(options: ClientOptions): PrismaClient {
  return withQueryListener(new PrismaClient(clientOptions('tasks', options)), options.onQuery);
}
