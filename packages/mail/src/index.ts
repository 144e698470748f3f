export * from './failures.ts';
export * from './mailer.ts';
export * from './money.ts';
export * from './user-directory.ts';
