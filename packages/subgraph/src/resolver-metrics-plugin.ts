/**
 * Resolver timings of a subgraph, as `graphql_resolver_duration_seconds{field}`: each field
 * that has a resolver of its own (`Order.customer`, `Query.products`, …), and each entity type's
 * `__resolveReference`, which is where the router's entity fetches spend their time. Fields read
 * straight from their parent object are not timed: they are most of a response's fields and
 * take no time worth a series.
 */
import type {
  ApolloServerPlugin,
  BaseContext,
  GraphQLRequestExecutionListener,
  GraphQLRequestListener,
} from '@apollo/server';
import {
  GraphQLScalarType,
  isObjectType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { Histogram, type Registry } from 'prom-client';
import type { SubgraphResolvers } from './subgraph-resolvers.ts';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Federation's own entry points: `_entities` is timed per type through `__resolveReference`. */
const FEDERATION_FIELDS = new Set(['_entities', '_service']);

type Observe = (seconds: number) => void;

/** A type's entry in a resolver map when it holds field resolvers (not a scalar or an enum). */
type FieldResolvers = Record<
  string,
  GraphQLFieldResolver<unknown, unknown> | { resolve?: unknown }
>;

/** The histogram every resolver timing goes into, registered into `registry`. */
export function createResolverHistogram(registry: Registry): Histogram<'field'> {
  return new Histogram({
    name: 'graphql_resolver_duration_seconds',
    help: 'Time spent in resolvers of their own, by field (Type.field, or Type.__resolveReference for entity fetches).',
    labelNames: ['field'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
}

function timedFields(schema: GraphQLSchema, histogram: Histogram<'field'>) {
  const timed = new WeakMap<GraphQLField<unknown, unknown>, Observe>();
  const query = schema.getQueryType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.resolve) continue;
      if (type === query && FEDERATION_FIELDS.has(field.name)) continue;
      const child = histogram.labels(`${type.name}.${field.name}`);
      timed.set(field, (seconds) => child.observe(seconds));
    }
  }
  return timed;
}

/**
 * Times fields that have their own resolver. It reads which ones they are when the server
 * starts: once a plugin resolves fields, Apollo gives every field a wrapping resolver, so
 * `field.resolve` no longer tells them apart during a request. The schema must therefore be
 * one that no server has run with a field plugin before.
 */
export function resolverMetricsPlugin<C extends BaseContext>(
  histogram: Histogram<'field'>,
): ApolloServerPlugin<C> {
  let timed = new WeakMap<GraphQLField<unknown, unknown>, Observe>();
  // It runs for every field of every request: the listeners are made once, and a field that
  // is not timed costs one lookup and allocates nothing.
  const execution: GraphQLRequestExecutionListener<C> = {
    willResolveField({ info }) {
      const field = info.parentType.getFields()[info.fieldName];
      const observe = field && timed.get(field);
      if (!observe) return;
      const started = performance.now();
      return () => observe((performance.now() - started) / 1000);
    },
  };
  const request: GraphQLRequestListener<C> = {
    executionDidStart: async () => execution,
  };
  return {
    async serverWillStart({ schema }) {
      timed = timedFields(schema, histogram);
    },
    requestDidStart: async () => request,
  };
}

/**
 * The same resolvers, with each `__resolveReference` timed as `Type.__resolveReference`.
 * Federation calls those inside `_entities`, out of a field plugin's sight, so they are
 * wrapped before the schema is built.
 */
export function withReferenceTiming(
  resolvers: SubgraphResolvers,
  histogram: Histogram<'field'>,
): SubgraphResolvers {
  const timedResolvers: SubgraphResolvers = {};
  for (const [typeName, typeResolvers] of Object.entries(resolvers)) {
    const resolveReference =
      typeResolvers instanceof GraphQLScalarType ? undefined : typeResolvers.__resolveReference;
    if (typeof resolveReference !== 'function') {
      timedResolvers[typeName] = typeResolvers;
      continue;
    }
    const child = histogram.labels(`${typeName}.__resolveReference`);
    timedResolvers[typeName] = {
      ...(typeResolvers as FieldResolvers),
      __resolveReference: async (...args: Parameters<typeof resolveReference>) => {
        const started = performance.now();
        try {
          return await resolveReference(...args);
        } finally {
          child.observe((performance.now() - started) / 1000);
        }
      },
    };
  }
  return timedResolvers;
}
