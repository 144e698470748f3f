import type { IncomingMessage } from 'node:http';

/** Content types a browser may send cross-site without asking the server first. */
const SIMPLE_TYPES = new Set([
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
]);

/**
 * Whether a request cannot have been sent cross-site by a browser without a CORS preflight,
 * which is what Apollo Router's CSRF prevention checks too. A page on another site can make a
 * browser send a GET with the user's cookies (an image, a link); such a request carries no
 * custom header and no JSON content type. POST bodies are refused unless they are JSON, which
 * a browser never sends cross-site without a preflight either.
 */
export function isPreflighted(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (type) {
    const mediaType = type.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!SIMPLE_TYPES.has(mediaType)) return true;
  }
  return Boolean(req.headers['apollo-require-preflight'] || req.headers['x-apollo-operation-name']);
}
