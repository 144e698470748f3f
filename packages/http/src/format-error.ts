import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { PUBLIC_CODES } from '@supergraph/common';
import type { Logger } from '@supergraph/observability';

/**
 * Errors a client may see keep their message and code; anything else is logged with its stack
 * and reaches the client as INTERNAL_SERVER_ERROR, with its message only outside production.
 */
export function createFormatError(logger: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) return { ...formatted, extensions };
    const original = unwrapResolverError(error);
    // Apollo's own refusals of a malformed request (a persisted query hash that does not match
    // its text, an unknown version) carry a 4xx status but no code: they are the client's to fix.
    if (isClientError(original)) {
      const { http: _http, ...rest } = extensions;
      return { ...formatted, extensions: { ...rest, code: 'BAD_REQUEST' } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error');
    return {
      message: production ? 'Internal server error.' : formatted.message,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations && !production ? { locations: formatted.locations } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

function isClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
