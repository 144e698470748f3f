/**
 * Teaches Hive Gateway what our router does for every request, so that it can stand in for the
 * router in front of our subgraphs, which accept only signed requests: verify the client's
 * bearer token once, refuse a bad one with 401 before the body is read, and sign every
 * subgraph request with the router's proof.
 *
 * It imports `@supergraph/auth` alone, none of the shared packages that load Apollo Server,
 * pino, prom-client or ioredis (about 40 MB of RSS here) that Hive would carry without using.
 */
import type { IncomingMessage } from 'node:http';
import type { GatewayPlugin } from '@graphql-hive/gateway';
import {
  PROOF_HEADER,
  RefusedAuthorizationError,
  clientIp,
  createProof,
  unauthenticatedAnswer,
  viewerFromAuthorization,
  type TokenKey,
  type Viewer,
} from '@supergraph/auth';

/** Options for {@link useRouterProof}. */
export type RouterProofOptions = {
  tokenKey: TokenKey;
  subgraphSecret: string;
  /** Proxies in front of the gateway that append to X-Forwarded-For, as TRUST_PROXY_HOPS. */
  trustedProxyHops: number;
  /** The path GraphQL is served on; other paths (health checks) pass unchecked. */
  graphqlEndpoint?: string;
};

type Caller = { viewer: Viewer | null; clientIp: string };

export function useRouterProof(options: RouterProofOptions): GatewayPlugin {
  const endpoint = options.graphqlEndpoint ?? '/graphql';
  // Keyed by the Request object, which Hive hands to onFetch as `context.request`, the way
  // its own request-id plugin carries a value from the request to the subgraph calls.
  const callers = new WeakMap<Request, Caller>();

  return {
    async onRequest({ request, url, serverContext, fetchAPI, endResponse }) {
      if (url.pathname !== endpoint) return;
      // The CLI serves on node:http, whose IncomingMessage is in the server context.
      const req = (serverContext as { req?: IncomingMessage }).req;
      const ip = req ? clientIp(req, options.trustedProxyHops) : 'unknown';
      try {
        const viewer = await viewerFromAuthorization(
          request.headers.get('authorization'),
          options.tokenKey,
        );
        callers.set(request, { viewer, clientIp: ip });
      } catch (error) {
        if (!(error instanceof RefusedAuthorizationError)) throw error;
        // The router's answer, byte for byte in shape.
        const refusal = unauthenticatedAnswer(error.message);
        endResponse(
          new fetchAPI.Response(refusal.body, {
            status: refusal.status,
            headers: { 'content-type': 'application/json; charset=utf-8', ...refusal.headers },
          }),
        );
      }
    },
    onFetch({ context, options: init, setOptions }) {
      // Fetches Hive makes for itself (none with a file supergraph) have no client request.
      const caller = 'request' in context ? callers.get(context.request) : undefined;
      setOptions({
        ...init,
        headers: {
          ...init.headers,
          [PROOF_HEADER]: createProof(options.subgraphSecret, caller?.viewer ?? null, {
            clientIp: caller?.clientIp ?? null,
          }),
        },
      });
    },
  };
}
