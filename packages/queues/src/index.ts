export * from './backoff.ts';
export * from './connection.ts';
export * from './definitions.ts';
export * from './job-options.ts';
export * from './outbox-relay.ts';
export * from './queue-set.ts';
export * from './worker-host.ts';
export { DelayedError, UnrecoverableError, type Job } from 'bullmq';
export * from './sql-outbox-store.ts';
