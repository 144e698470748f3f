import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { PUBLIC_CODES } from './errors.ts';
import type { Logger } from './logger.ts';

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
    logger.error({ err: original, path: formatted.path }, 'unexpected error');
    return {
      message: production ? 'Internal server error.' : formatted.message,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations && !production ? { locations: formatted.locations } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
