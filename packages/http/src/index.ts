export * from './edge.ts';
export * from './errors.ts';
export * from './graphql-route.ts';
export * from './operational-routes.ts';
export * from './database-ready.ts';
export * from './format-error.ts';
export * from './nul-character-plugin.ts';
export type { FastifyInstance, FastifyRequest } from 'fastify';
export * from './ops-access.ts';
