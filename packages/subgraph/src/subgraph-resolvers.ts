import type { buildSubgraphSchema } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';

type SchemaModule = Exclude<
  Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number],
  DocumentNode
>;

/**
 * A resolver map as `buildSubgraphSchema` takes it. @apollo/subgraph 2.14 exports its
 * `GraphQLResolverMap` only from a `dist/` path, which is no public API, so the type is read off
 * the function instead. It types the context as `any`: each subgraph's generated `Resolvers`
 * is what ties its resolvers to its own `Context`.
 */
export type SubgraphResolvers = NonNullable<SchemaModule['resolvers']>;
