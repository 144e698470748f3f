import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { BREAK, GraphQLError, Kind, visit, type DocumentNode } from 'graphql';

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object') return Object.values(value).some(containsNul);
  return false;
}

function literalContainsNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes('\u0000')) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Refuses any string holding a NUL character, in variables or in the operation itself.
 * Postgres cannot store one in text, so it would otherwise fail deep in a query as an internal
 * error instead of telling the client what is wrong with its input.
 */
export function nulCharacterPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          if (containsNul(request.variables) || literalContainsNul(document)) {
            throw new GraphQLError('Text may not contain NUL (\\u0000) characters.', {
              // A subgraph answers 200, as for any other bad input, so that the router passes
              // the error on instead of reporting a failed subgraph.
              extensions: { code: 'BAD_USER_INPUT', http: { status: 200 } },
            });
          }
        },
      };
    },
  };
}
