export * from './free-port.ts';
export * from './graphql-client.ts';
export * from './private-redis.ts';
export * from './smtp-sink.ts';
export * from './test-database.ts';
export * from './test-subgraph.ts';
export * from './reference-operations.ts';
