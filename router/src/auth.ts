import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import {
  RefusedAuthorizationError,
  viewerFromAuthorization,
  type TokenKey,
  type Viewer,
} from '@supergraph/auth';

/** The viewer of a request; an unusable `Authorization` header is a 401 UNAUTHENTICATED. */
export async function viewerFromRequest(
  req: IncomingMessage,
  key: TokenKey,
): Promise<Viewer | null> {
  try {
    return await viewerFromAuthorization(req.headers.authorization, key);
  } catch (error) {
    if (!(error instanceof RefusedAuthorizationError)) throw error;
    throw new GraphQLError(error.message, {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
}
