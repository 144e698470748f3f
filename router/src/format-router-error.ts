import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { createFormatError } from '@supergraph/http';
import type { Logger } from '@supergraph/observability';

/** How Apollo Server's CSRF prevention words its refusal, which carries only BAD_REQUEST. */
const CSRF_REFUSAL = 'This operation has been blocked as a potential Cross-Site Request Forgery';

/**
 * The router's error masking: CSRF refusals named as such, the shared rules (public codes pass, everything else becomes
 * INTERNAL_SERVER_ERROR), and in production no trace of which subgraph answered.
 */
export function createRouterFormatError(logger: Logger, production: boolean) {
  const format = createFormatError(logger, production);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (error instanceof GraphQLError && error.message.startsWith(CSRF_REFUSAL)) {
      // Its own code, so that a client can tell a missing preflight header from a bad query.
      return { message: formatted.message, extensions: { code: 'CSRF_PREVENTED' } };
    }
    const result = format(formatted, error);
    if (!production || !result.extensions || !('serviceName' in result.extensions)) return result;
    const { serviceName: _service, ...extensions } = result.extensions;
    return { ...result, extensions };
  };
}
