export * from './config.ts';
export * from './redis-target.ts';
export * from './database-urls.ts';
export * from './secrets.ts';
export * from './subgraph-config.ts';
