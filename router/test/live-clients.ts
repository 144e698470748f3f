/**
 * Subscribers as web clients are: graphql-ws over a real WebSocket, graphql-sse over a real
 * event stream, each collecting what arrives so that a test can wait for the message it
 * expects.
 */
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { waitUntil } from '@supergraph/testing';

export type LiveResult = {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
};

export type Feed = {
  results: LiveResult[];
  /** Set when the stream ended: completed, or failed with this. */
  ended: { error?: unknown } | null;
  /** The WebSocket's close code, when the connection closed. */
  closeCode: number | null;
  dispose(): void;
};

export type Subscription = {
  query: string;
  variables?: Record<string, unknown>;
  token?: string;
};

/** What both clients call with results: recorded in the feed, the end too. */
function sinkInto(feed: Feed) {
  return {
    next: (result: unknown) => {
      feed.results.push(result as LiveResult);
    },
    error: (error: unknown) => {
      feed.ended = { error };
    },
    complete: () => {
      feed.ended ??= {};
    },
  };
}

/** Over graphql-ws, at the router's /graphql. */
export function subscribeWs(routerUrl: string, subscription: Subscription): Feed {
  const feed: Feed = { results: [], ended: null, closeCode: null, dispose: () => {} };
  const client = createWsClient({
    url: routerUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: subscription.token ? { authorization: `Bearer ${subscription.token}` } : {},
    retryAttempts: 0,
    lazy: false,
    // Recorded in the feed instead of printed: a test reads the close code.
    onNonLazyError: () => {},
    on: {
      closed: (event) => {
        feed.closeCode = (event as { code?: number }).code ?? null;
      },
    },
  });
  const stop = client.subscribe(
    { query: subscription.query, variables: subscription.variables ?? {} },
    sinkInto(feed),
  );
  feed.dispose = () => {
    stop();
    void client.dispose();
  };
  return feed;
}

/** Over graphql-sse, distinct connections mode, at the router's /graphql/stream. */
export function subscribeSse(routerUrl: string, subscription: Subscription): Feed {
  const feed: Feed = { results: [], ended: null, closeCode: null, dispose: () => {} };
  const client = createSseClient({
    url: `${routerUrl}/stream`,
    headers: subscription.token ? { authorization: `Bearer ${subscription.token}` } : {},
    retryAttempts: 0,
  });
  const stop = client.subscribe(
    { query: subscription.query, variables: subscription.variables ?? {} },
    sinkInto(feed),
  );
  feed.dispose = () => {
    stop();
    client.dispose();
  };
  return feed;
}

/** Waits for the first result after `from` that `matches`. */
export async function nextResult(
  feed: Feed,
  matches: (result: LiveResult) => boolean,
  from = 0,
  timeoutMs = 15_000,
): Promise<LiveResult> {
  return waitUntil(() => feed.results.slice(from).find(matches), {
    timeoutMs,
    what: 'a live result',
  });
}

/**
 * The first refusal a subscription met: a result with errors, or the errors its stream ended
 * with (graphql-ws hands a refusal to `error` as an array of GraphQL errors).
 */
export function refusalOf(feed: Feed): Promise<LiveResult> {
  return waitUntil(
    () =>
      feed.results.find((r) => r.errors?.length) ??
      (feed.ended?.error
        ? {
            errors: Array.isArray(feed.ended.error)
              ? (feed.ended.error as LiveResult['errors'])
              : [],
          }
        : undefined),
    { what: 'a refusal' },
  );
}

/** The error code of a result, or of the error the stream ended with. */
export function codeOf(result: LiveResult | undefined): unknown {
  return result?.errors?.[0]?.extensions?.code;
}
