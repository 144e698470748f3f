/**
 * What both live transports share: who the subscriber is, whether the subscription may run,
 * and the stream it gets. A transport only carries messages.
 */
import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import {
  GraphQLError,
  parse,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import {
  RefusedAuthorizationError,
  tokenExpiresAt,
  viewerFromAuthorization,
  type TokenKey,
  type Viewer,
} from '@supergraph/auth';
import type { RouterContext } from '../context.ts';
import type { createQueryGuard } from '../limits/query-guard.ts';
import type { OrderEventHub } from './order-event-hub.ts';
import { ORDER_ID_VARIABLE, prepareLiveOperation } from './live-operation.ts';
import { liveSubscription } from './live-subscription.ts';
import type { LiveMetrics, Transport } from './live-metrics.ts';

/** Who holds a live connection: a viewer until a moment, or why there is none. */
export type Session =
  | { ok: true; viewer: Viewer; expiresAt: number; clientIp: string }
  | { ok: false; message: string; clientIp: string };

export type SubscribeRequest = {
  query: unknown;
  variables: unknown;
  operationName: unknown;
  session: Session;
  transport: Transport;
  /** Whether the connection holds more unsent bytes than a healthy client leaves. */
  congested: () => boolean;
  /** Cuts the connection, for a subscriber too slow to be told. */
  disconnect: () => void;
};

export type LiveServiceOptions = {
  apollo: ApolloServer<RouterContext>;
  /** The graph as the gateway serves it now; null before it has loaded. */
  schema: () => GraphQLSchema | null;
  hub: OrderEventHub;
  tokenKey: TokenKey;
  queryGuard: ReturnType<typeof createQueryGuard>;
  metrics: LiveMetrics;
  /** Results a subscriber may leave unread before it is dropped. */
  maxPending: number;
  /** Subscriptions the whole process serves at once, over both transports. */
  maxSubscriptions: number;
};

function refusal(message: string, code: string): readonly GraphQLError[] {
  return [new GraphQLError(message, { extensions: { code } })];
}

export function createLiveService(options: LiveServiceOptions) {
  const { apollo } = options;
  let active = 0;

  /** Verifies the token a connection opens with; an absent one is a refusal at subscribe. */
  async function authenticate(authorization: unknown, clientIp: string): Promise<Session> {
    if (typeof authorization !== 'string' || authorization.length === 0) {
      return { ok: false, message: 'Log in to follow orders live.', clientIp };
    }
    try {
      const viewer = await viewerFromAuthorization(authorization, options.tokenKey);
      if (!viewer) return { ok: false, message: 'Log in to follow orders live.', clientIp };
      const token = authorization.slice('Bearer '.length);
      return { ok: true, viewer, expiresAt: tokenExpiresAt(token), clientIp };
    } catch (error) {
      if (!(error instanceof RefusedAuthorizationError)) throw error;
      return { ok: false, message: error.message, clientIp };
    }
  }

  /** The subscriber's stream with its parsed document, or why it cannot have one. */
  function subscribe(
    request: SubscribeRequest,
  ):
    | { stream: AsyncGenerator<ExecutionResult, undefined>; document: DocumentNode }
    | readonly GraphQLError[] {
    const { session } = request;
    if (!session.ok) return refusal(session.message, 'UNAUTHENTICATED');
    if (session.expiresAt <= Date.now()) {
      return refusal('Your session has expired; log in again.', 'UNAUTHENTICATED');
    }
    if (typeof request.query !== 'string') return refusal('Send a subscription.', 'BAD_REQUEST');
    if (active >= options.maxSubscriptions) {
      options.metrics.drops.inc({ transport: request.transport, reason: 'router_full' });
      return refusal('This server is full; try again shortly.', 'SERVICE_UNAVAILABLE');
    }
    const guarded = options.queryGuard.check(request.query);
    if (!guarded.ok) return refusal(guarded.message, guarded.code);
    const schema = options.schema();
    if (!schema) return refusal('The graph is not loaded yet; try again.', 'SERVICE_UNAVAILABLE');
    let document: DocumentNode;
    try {
      // Without locations: a subscription keeps its document as long as it lives.
      document = parse(request.query, { noLocation: true });
    } catch (error) {
      return refusal(
        error instanceof GraphQLError ? error.message : 'Syntax error.',
        'GRAPHQL_PARSE_FAILED',
      );
    }
    const variables =
      request.variables &&
      typeof request.variables === 'object' &&
      !Array.isArray(request.variables)
        ? (request.variables as Record<string, unknown>)
        : {};
    let operation;
    try {
      operation = prepareLiveOperation(
        schema,
        document,
        typeof request.operationName === 'string' ? request.operationName : null,
        variables,
      );
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    const { viewer, clientIp } = session;
    active += 1;
    const stream = liveSubscription({
      onEnd: () => {
        active -= 1;
      },
      hub: options.hub,
      operation,
      viewer,
      expiresAt: session.expiresAt,
      maxPending: options.maxPending,
      congested: request.congested,
      disconnect: request.disconnect,
      metrics: options.metrics,
      transport: request.transport,
      async read(orderId) {
        const response = await apollo.executeOperation(
          {
            query: operation.query,
            variables: { ...operation.variables, [ORDER_ID_VARIABLE]: orderId },
          },
          { contextValue: { viewer, clientIp, requestId: randomUUID() } },
        );
        if (response.body.kind !== 'single') {
          return { errors: [new GraphQLError('Incremental delivery is not served live.')] };
        }
        const { data, errors } = response.body.singleResult;
        return {
          data: data ?? null,
          ...(errors
            ? {
                errors: errors.map(
                  (e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions }),
                ),
              }
            : {}),
        };
      },
    });
    return { stream, document };
  }

  return { authenticate, subscribe };
}

export type LiveService = ReturnType<typeof createLiveService>;
