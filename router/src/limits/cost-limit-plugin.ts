import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { estimateCost } from './estimate-cost.ts';
import { LimitCode, type OperationLimits } from './operation-limits.ts';

/**
 * Refuses an operation whose estimated cost is over the limit. It runs once the operation is
 * resolved, because the cost depends on the request's variables (`first: $n`).
 */
export function costLimitPlugin<C extends BaseContext>(
  limits: Pick<OperationLimits, 'maxCost' | 'assumedListSize'>,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = estimateCost({
            schema,
            document,
            operation,
            variables: request.variables ?? {},
            assumedListSize: limits.assumedListSize,
          });
          if (cost > limits.maxCost) {
            throw new GraphQLError(
              `The operation's estimated cost is ${cost}; at most ${limits.maxCost} is allowed. Ask for fewer items with \`first\`.`,
              {
                extensions: {
                  code: LimitCode.cost,
                  cost,
                  maxCost: limits.maxCost,
                  http: { status: 400 },
                },
              },
            );
          }
        },
      };
    },
  };
}
