export * from './create-subgraph.ts';
export * from './run-subgraph.ts';
export * from './subgraph-resolvers.ts';
export * from './resolver-metrics-plugin.ts';
