import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@supergraph/observability';
import type { RouterContext } from './context.ts';

/**
 * The gateway reports fields it had to null out (a subgraph returned null for a non-null
 * field) as `extensions.valueCompletion`, naming types and fields. In production that is
 * logged for operators and kept from clients, who only see the nulls.
 */
export function valueCompletionPlugin(logger: Logger): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const extensions = response.body.singleResult.extensions;
          if (!extensions || !('valueCompletion' in extensions)) return;
          const { valueCompletion, ...rest } = extensions;
          logger.warn(
            { requestId: contextValue.requestId, valueCompletion },
            'fields nulled out while completing a response',
          );
          response.body.singleResult.extensions = Object.keys(rest).length > 0 ? rest : undefined;
        },
      };
    },
  };
}
