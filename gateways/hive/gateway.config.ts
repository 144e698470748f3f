/**
 * Hive Gateway configured as our router runs in production: the alternative router for our
 * supergraph. Its CLI loads this file itself (with its own TypeScript loader):
 *
 *   hive-gateway supergraph router/supergraph.graphql --config-path gateways/hive/gateway.config.ts
 *
 * The supergraph path, host and port come on that command line; the rest from the router's
 * own environment variables, read once here: JWT_SECRET and SUBGRAPH_SECRET (required),
 * USERS_URL, ORDERS_URL, TASKS_URL, TRUST_PROXY_HOPS, MAX_DEPTH and MAX_TOKENS.
 */
import { defineConfig } from '@graphql-hive/gateway';
import { tokenKey } from '@supergraph/auth';
import { DEFAULT_LIMITS } from '@supergraph/router/operation-limits';
import { useRouterProof } from './src/use-router-proof.ts';

class HiveConfigError extends Error {
  override name = 'HiveConfigError';
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new HiveConfigError(`${name}: required`);
  return value;
}

/**
 * USERS_URL, ORDERS_URL, TASKS_URL, as the router reads them: each set one replaces that
 * subgraph's URL in the supergraph (localhost:4001..4003 in the committed one).
 */
function subgraphUrls(): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const name of ['users', 'orders', 'tasks']) {
    const variable = `${name.toUpperCase()}_URL`;
    const url = process.env[variable];
    if (url === undefined || url === '') continue;
    if (!/^https?:\/\/./.test(url))
      throw new HiveConfigError(`${variable}: expected an http(s) URL`);
    urls[name] = url;
  }
  return urls;
}

function wholeNumber(name: string, fallback: number, least = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < least) {
    throw new HiveConfigError(`${name}: expected a whole number of at least ${least}`);
  }
  return value;
}

const key = tokenKey(required('JWT_SECRET'));
const subgraphSecret = required('SUBGRAPH_SECRET');
const trustedProxyHops = wholeNumber('TRUST_PROXY_HOPS', 0);
const maxTokens = wholeNumber('MAX_TOKENS', DEFAULT_LIMITS.maxTokens, 1);
const maxDepth = wholeNumber('MAX_DEPTH', DEFAULT_LIMITS.maxDepth, 1);

export const gatewayConfig = defineConfig({
  transportEntries: {
    // Hive shares identical subgraph requests in flight, keyed without the proof this plugin
    // adds later (in onFetch): concurrent users would get one another's answers. `*` turns
    // that off for every subgraph, whether or not its URL is overridden below.
    '*': { options: { deduplicateInflightRequests: false } },
    // Hive's own override of a subgraph's location, as the router's `subgraphUrls` does
    // through buildService; the supergraph file stays the committed one.
    ...Object.fromEntries(
      Object.entries(subgraphUrls()).map(([name, location]) => [name, { location }]),
    ),
  },
  plugins: () => [useRouterProof({ tokenKey: key, subgraphSecret, trustedProxyHops })],
  // Production, as the router runs it: no explorer, no landing page, no introspection, no
  // schema hints in errors, masked unexpected errors, no WebSocket server, no CORS.
  graphiql: false,
  landingPage: false,
  disableIntrospection: {},
  blockFieldSuggestions: true,
  maskedErrors: true,
  // The router in production gives no trace of which subgraph an error came from
  // (format-router-error.ts); Hive would name it in `extensions.serviceName`.
  subgraphErrors: { subgraphNameProp: false },
  disableWebsockets: true,
  // Browsers are not served: the router's CORS_ORIGINS has no counterpart here, and Yoga
  // would otherwise allow every origin.
  cors: false,
  // The router's CSRF rule: an operation needs a non-simple content type or one of these.
  csrfPrevention: { requestHeaders: ['apollo-require-preflight', 'x-apollo-operation-name'] },
  // The two operation limits Hive has built in, at the router's values. The router's other
  // limits (aliases, root fields, fields, directives, cost) have no counterpart switched on.
  maxTokens,
  maxDepth,
});
