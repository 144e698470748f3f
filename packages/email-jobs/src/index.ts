export * from './deliver-once.ts';
export * from './delivery-ledger.ts';
export * from './email-job.ts';
export * from './job-deps.ts';
