/**
 * Hive Gateway configured as our router runs in production, for the bench's side-by-side
 * comparison. The CLI loads this file itself (its own TypeScript loader); the supergraph
 * path, host and port come on its command line from bench/hive-gateway.ts, and the rest from
 * the environment below, read once here.
 */
import { defineConfig } from '@graphql-hive/gateway';
import { tokenKey } from '../../packages/common/src/tokens.ts';
import { DEFAULT_LIMITS } from '../../router/src/limits/operation-limits.ts';
import { useRouterProof } from './use-router-proof.ts';

class HiveConfigError extends Error {
  override name = 'HiveConfigError';
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new HiveConfigError(`${name}: required`);
  return value;
}

/** SUBGRAPH_URLS: a JSON object from subgraph name (as in `@join__graph(name:)`) to its URL. */
function subgraphUrls(): Record<string, string> {
  const raw = required('SUBGRAPH_URLS');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HiveConfigError('SUBGRAPH_URLS: not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HiveConfigError('SUBGRAPH_URLS: expected an object of subgraph name to URL');
  }
  const urls: Record<string, string> = {};
  for (const [name, url] of Object.entries(parsed)) {
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      throw new HiveConfigError(`SUBGRAPH_URLS: "${name}" is not an http(s) URL`);
    }
    urls[name] = url;
  }
  return urls;
}

function wholeNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new HiveConfigError(`${name}: expected a whole number`);
  }
  return value;
}

const key = tokenKey(required('JWT_SECRET'));
const subgraphSecret = required('SUBGRAPH_SECRET');
const trustedProxyHops = wholeNumber('TRUST_PROXY_HOPS', 0);

export const gatewayConfig = defineConfig({
  // The committed supergraph names localhost:4001..4003; each subgraph's location is
  // replaced here, as the router's `subgraphUrls` does through buildService.
  transportEntries: Object.fromEntries(
    Object.entries(subgraphUrls()).map(([name, location]) => [
      name,
      // Hive shares identical subgraph requests in flight, keyed without the proof this
      // plugin adds later (in onFetch): concurrent users would get one another's answers.
      { location, options: { deduplicateInflightRequests: false } },
    ]),
  ),
  plugins: () => [useRouterProof({ tokenKey: key, subgraphSecret, trustedProxyHops })],
  // Production, as the router runs it: no explorer, no landing page, no introspection, no
  // schema hints in errors, masked unexpected errors, no WebSocket server, no CORS.
  graphiql: false,
  landingPage: false,
  disableIntrospection: {},
  blockFieldSuggestions: true,
  maskedErrors: true,
  disableWebsockets: true,
  // The bench's router has no CORS_ORIGINS, so it answers no origin; Yoga allows every one.
  cors: false,
  // The router's CSRF rule: an operation needs a non-simple content type or one of these.
  csrfPrevention: { requestHeaders: ['apollo-require-preflight', 'x-apollo-operation-name'] },
  // The two operation limits Hive has built in, at the router's values. The router's other
  // limits (aliases, root fields, fields, directives, cost) have no counterpart switched on.
  maxTokens: DEFAULT_LIMITS.maxTokens,
  maxDepth: DEFAULT_LIMITS.maxDepth,
});
