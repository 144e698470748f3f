import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';

/** The SDL lives in schema.graphql, next to the resolvers that implement it. */
export const typeDefs = gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));
