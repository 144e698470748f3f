import { env, loadConfig } from '@supergraph/config';
import { runSubgraph } from '@supergraph/subgraph';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { createServer } from './server.ts';

// What one account may keep, so that nobody can grow the table, or the reminder queue, at will.
const { TASKS_PER_ACCOUNT, REMINDERS_PER_ACCOUNT } = loadConfig({
  TASKS_PER_ACCOUNT: env.positiveInt(500),
  REMINDERS_PER_ACCOUNT: env.positiveInt(100),
});

runSubgraph({
  name: 'tasks',
  defaultPort: 4003,
  connect: (config) =>
    createTasksClient({ databaseUrl: config.databaseUrl, poolSize: config.poolSize }),
  build: (db, config, logger) =>
    createServer({
      db,
      logger,
      subgraphSecret: config.subgraphSecret,
      production: config.production,
      quotas: { openTasks: TASKS_PER_ACCOUNT, reminders: REMINDERS_PER_ACCOUNT },
    }),
});
