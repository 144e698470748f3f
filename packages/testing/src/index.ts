export * from './graphql-client.ts';
export * from './test-database.ts';
export * from './test-subgraph.ts';
