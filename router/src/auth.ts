import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { InvalidTokenError, verifyToken, type TokenKey, type Viewer } from '@supergraph/common';

function refuse(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/**
 * The viewer from `Authorization: Bearer <token>`. No header means an anonymous request; a
 * header that is present but invalid is refused outright rather than silently downgraded.
 */
export async function viewerFromRequest(
  req: IncomingMessage,
  key: TokenKey,
): Promise<Viewer | null> {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9_\-.]{1,4096})$/.exec(header);
  if (!match?.[1]) throw refuse('Authorization must be "Bearer <token>".');
  try {
    return await verifyToken(key, match[1]);
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      throw refuse(
        error.message === 'token expired'
          ? 'Your session has expired; log in again.'
          : 'Invalid token.',
      );
    }
    throw error;
  }
}
