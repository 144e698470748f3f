export * from './deliver-once.ts';
export * from './failures.ts';
export * from './mailer.ts';
export * from './money.ts';
export * from './user-directory.ts';
export * from './job-deps.ts';
