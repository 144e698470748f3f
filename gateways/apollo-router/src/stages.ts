/**
 * What the coprocessor does at each stage of a request through Apollo Router, so that the
 * subgraphs see exactly what our own router would send them:
 *
 * - RouterRequest: the bearer token is verified as our router verifies it (a header that is
 *   present but unusable is a 401 UNAUTHENTICATED, never an anonymous request); the request
 *   id is the client's well-formed `x-request-id` or a new one; the proof of the viewer and
 *   the client's address is signed once, and all three go into the request's context.
 * - SubgraphRequest: the proof from the context goes into the subgraph request's headers,
 *   with the request id.
 * - RouterResponse: the request id goes back to the client.
 *
 * The proof is signed at RouterRequest, from a token this coprocessor has just verified, and
 * only copied at SubgraphRequest. Whatever reaches the coprocessor can therefore obtain a
 * proof only for a viewer whose token it holds; a context written by anyone else cannot make
 * it sign an identity.
 */
import {
  PROOF_HEADER,
  RefusedAuthorizationError,
  createProof,
  forwardedClientIp,
  tokenKey,
  unauthenticatedAnswer,
  viewerFromAuthorization,
  type Viewer,
} from '@supergraph/auth';
import { REQUEST_ID_HEADER, requestIdFrom } from '@supergraph/observability';
import {
  MalformedPayloadError,
  Stage,
  headerValue,
  headerValues,
  withHeader,
  type CoprocessorAnswer,
  type CoprocessorPayload,
} from './protocol.ts';

/** The context entries the coprocessor writes at RouterRequest and reads later. */
export const ContextKey = {
  viewer: 'supergraph::viewer',
  proof: 'supergraph::proof',
  requestId: 'supergraph::request_id',
} as const;

/** What the stages need; see {@link createStages}. */
export type StageDeps = {
  /** Verifies access tokens, as the router's JWT_SECRET does. */
  jwtSecret: string;
  /** Signs the proof the subgraphs check, as the router's SUBGRAPH_SECRET does. */
  subgraphSecret: string;
  /**
   * Proxies in front of Apollo Router that append to X-Forwarded-For. Apollo Router does not
   * pass on the address of the connection it took, so with 0 the client's address is unknown
   * and proofs carry none.
   */
  trustedProxyHops: number;
};

/** How one payload was handled, for metrics and logs. */
export type StageOutcome = 'continued' | 'refused' | 'passed';

function answer(payload: CoprocessorPayload, rest: Partial<CoprocessorAnswer>): CoprocessorAnswer {
  return {
    version: payload.version,
    stage: payload.stage,
    id: payload.id,
    ...(payload.subgraphRequestId ? { subgraphRequestId: payload.subgraphRequestId } : {}),
    ...rest,
  };
}

export function createStages(deps: StageDeps) {
  const key = tokenKey(deps.jwtSecret);

  async function routerRequest(payload: CoprocessorPayload) {
    if (!payload.headers) {
      // Without them every client would look anonymous: refuse loudly instead.
      throw new MalformedPayloadError(
        'headers: missing; the RouterRequest stage must be sent the headers, which carry the bearer token',
      );
    }
    const requestId = requestIdFrom(headerValue(payload.headers, REQUEST_ID_HEADER));
    let viewer: Viewer | null;
    try {
      viewer = await viewerFromAuthorization(headerValue(payload.headers, 'authorization'), key);
    } catch (error) {
      if (!(error instanceof RefusedAuthorizationError)) throw error;
      // At a break these headers become the response's, and the body (a string at this stage)
      // becomes the GraphQL response: the router's refusal.
      const refusal = unauthenticatedAnswer(error.message);
      return {
        outcome: 'refused' as const,
        answer: answer(payload, {
          control: { break: refusal.status },
          headers: {
            'content-type': ['application/json'],
            ...Object.fromEntries(
              Object.entries(refusal.headers).map(([name, value]) => [name, [value]]),
            ),
            [REQUEST_ID_HEADER]: [requestId],
          },
          body: refusal.body,
        }),
      };
    }
    // A proxy may add its own X-Forwarded-For line rather than append to the client's: every
    // line counts, in order.
    const forwardedFor = headerValues(payload.headers, 'x-forwarded-for');
    const ip = forwardedClientIp(forwardedFor, deps.trustedProxyHops);
    const proof = createProof(deps.subgraphSecret, viewer, { clientIp: ip });
    // The answer's headers replace the request's: all of them go back, with the request id
    // set and any proof a client sent removed.
    const headers = withHeader(withHeader(payload.headers, PROOF_HEADER, null), REQUEST_ID_HEADER, [
      requestId,
    ]);
    return {
      outcome: 'continued' as const,
      answer: answer(payload, {
        control: 'continue',
        headers,
        context: {
          entries: {
            [ContextKey.viewer]: viewer,
            [ContextKey.proof]: proof,
            [ContextKey.requestId]: requestId,
          },
        },
      }),
    };
  }

  function subgraphRequest(payload: CoprocessorPayload) {
    const entries = payload.context?.entries;
    const proof = entries?.[ContextKey.proof];
    if (typeof proof !== 'string' || proof === '') {
      throw new MalformedPayloadError(
        `context.entries["${ContextKey.proof}"]: missing; the RouterRequest stage sets it, and the subgraph stage must be sent the context`,
      );
    }
    if (!payload.headers) {
      throw new MalformedPayloadError(
        'headers: missing; the subgraph stage must be sent the headers, which the answer replaces',
      );
    }
    const requestId = entries?.[ContextKey.requestId];
    let headers = withHeader(payload.headers, PROOF_HEADER, [proof]);
    if (typeof requestId === 'string') {
      headers = withHeader(headers, REQUEST_ID_HEADER, [requestIdFrom(requestId)]);
    }
    return {
      outcome: 'continued' as const,
      answer: answer(payload, { control: 'continue', headers }),
    };
  }

  function routerResponse(payload: CoprocessorPayload) {
    const requestId = payload.context?.entries[ContextKey.requestId];
    // No `control` at a response stage: the router would take it as the response's status.
    if (!payload.headers || typeof requestId !== 'string') {
      return { outcome: 'passed' as const, answer: answer(payload, {}) };
    }
    return {
      outcome: 'continued' as const,
      answer: answer(payload, {
        headers: withHeader(payload.headers, REQUEST_ID_HEADER, [requestIdFrom(requestId)]),
      }),
    };
  }

  /** Handles one payload; a stage this coprocessor does not work at is let through unchanged. */
  return async function handle(
    payload: CoprocessorPayload,
  ): Promise<{ outcome: StageOutcome; answer: CoprocessorAnswer }> {
    switch (payload.stage) {
      case Stage.routerRequest:
        return routerRequest(payload);
      case Stage.subgraphRequest:
        return subgraphRequest(payload);
      case Stage.routerResponse:
        return routerResponse(payload);
      default:
        return {
          outcome: 'passed',
          answer: answer(payload, payload.stage.endsWith('Request') ? { control: 'continue' } : {}),
        };
    }
  };
}
