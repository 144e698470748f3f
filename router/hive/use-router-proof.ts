/**
 * Teaches Hive Gateway what our router does for every request, so that it can stand in for the
 * router in front of our subgraphs, which accept only signed requests: verify the client's
 * bearer token once, refuse a bad one with 401 before the body is read, and sign every
 * subgraph request with the router's proof.
 *
 * It imports the leaf modules that hold the token and proof code rather than the
 * `@supergraph/common` barrel: the barrel also loads Apollo Server, pino, prom-client and
 * ioredis (about 40 MB of RSS here), which Hive would carry without using.
 */
import type { IncomingMessage } from 'node:http';
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { createProof, PROOF_HEADER } from '../../packages/common/src/subgraph-proof.ts';
import {
  RefusedAuthorizationError,
  viewerFromAuthorization,
  type TokenKey,
} from '../../packages/common/src/tokens.ts';
import type { Viewer } from '../../packages/common/src/viewer.ts';
import { clientIp } from '../src/client-ip.ts';

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
        // The router's answer, byte for byte in shape: see RequestGate in @supergraph/common.
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({
              errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }],
            }),
            {
              status: 401,
              headers: {
                'content-type': 'application/json; charset=utf-8',
                'www-authenticate': 'Bearer',
              },
            },
          ),
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
