import type { GraphQLFormattedError } from 'graphql';
import { createFormatError } from '@supergraph/http';
import type { Logger } from '@supergraph/observability';

/**
 * The router's error masking: the shared rules (public codes pass, everything else becomes
 * INTERNAL_SERVER_ERROR), and in production no trace of which subgraph answered.
 */
export function createRouterFormatError(logger: Logger, production: boolean) {
  const format = createFormatError(logger, production);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    if (!production || !result.extensions || !('serviceName' in result.extensions)) return result;
    const { serviceName: _service, ...extensions } = result.extensions;
    return { ...result, extensions };
  };
}
