/** Access tokens: HS256 JWTs with an expiry and a key id, issued by users and verified by the router. */
import { createHash } from 'node:crypto';
import { SignJWT, decodeJwt, errors, jwtVerify } from 'jose';
import { isRole, type Viewer } from './viewer.ts';

const ISSUER = 'supergraph';
const AUDIENCE = 'supergraph';

export type TokenKey = { kid: string; secret: Uint8Array };

/** The key id is derived from the secret, so rotating the secret rotates the id. */
export function tokenKey(secret: string): TokenKey {
  const kid = createHash('sha256').update(secret).digest('base64url').slice(0, 12);
  return { kid, secret: new TextEncoder().encode(secret) };
}

export async function issueToken(
  key: TokenKey,
  viewer: Viewer,
  ttlSeconds: number,
): Promise<string> {
  return new SignJWT({ role: viewer.role })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' })
    .setSubject(viewer.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key.secret);
}

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

export async function verifyToken(key: TokenKey, token: string): Promise<Viewer> {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, key.secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    });
    if (protectedHeader.kid !== key.kid) throw new InvalidTokenError('unknown key id');
    if (!payload.sub || !isRole(payload.role)) throw new InvalidTokenError('malformed claims');
    return { id: payload.sub, role: payload.role };
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    if (error instanceof errors.JWTExpired) throw new InvalidTokenError('token expired');
    throw new InvalidTokenError('invalid token');
  }
}

/**
 * When a token expires, in milliseconds since the epoch; read without verifying, so only for a
 * token {@link verifyToken} has accepted. Long-lived connections use it to end a session on time.
 */
export function tokenExpiresAt(token: string): number {
  const { exp } = decodeJwt(token);
  return (exp ?? 0) * 1000;
}

/** An `Authorization` header that is present but unusable; the message is for the client. */
export class RefusedAuthorizationError extends Error {
  override name = 'RefusedAuthorizationError';
}

/**
 * The viewer named by an `Authorization: Bearer <token>` header. No header means an anonymous
 * request (null); a header that is present but malformed, forged or expired is refused
 * outright rather than silently downgraded.
 */
export async function viewerFromAuthorization(
  header: string | null | undefined,
  key: TokenKey,
): Promise<Viewer | null> {
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9_\-.]{1,4096})$/.exec(header);
  if (!match?.[1]) throw new RefusedAuthorizationError('Authorization must be "Bearer <token>".');
  try {
    return await verifyToken(key, match[1]);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    throw new RefusedAuthorizationError(
      error.message === 'token expired'
        ? 'Your session has expired; log in again.'
        : 'Invalid token.',
    );
  }
}

/**
 * What a gateway answers when it refuses an `Authorization` header: 401 with a Bearer
 * challenge, and the message as one GraphQL error coded UNAUTHENTICATED. Every gateway on our
 * supergraph answers with this, so a client sees the same refusal whichever one serves it.
 */
export function unauthenticatedAnswer(message: string) {
  return {
    status: 401,
    code: 'UNAUTHENTICATED',
    message,
    headers: { 'www-authenticate': 'Bearer' } as Record<string, string>,
    /** The GraphQL response, as JSON. */
    body: JSON.stringify({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }),
  };
}
