/** The users subgraph's Prisma client, bound to the `users` Postgres schema. */
import { PrismaClient } from '../users/generated/client.ts';
import { clientOptions, withQueryListener, type ClientOptions } from './create-client-adapter.ts';

export * from '../users/generated/client.ts';
export type { ClientOptions };

export function createUsersClient(options: ClientOptions): PrismaClient {
  return withQueryListener(new PrismaClient(clientOptions('users', options)), options.onQuery);
}
