/**
 * The GraphQL client: urql over HTTP for queries and mutations, and graphql-ws (the
 * graphql-transport-ws protocol) for live updates. One client per signed-in token, so that
 * logging out or in drops every cached answer and reconnects the live link as the new viewer.
 * Live data comes from subscriptions only: nothing polls.
 */
import {
  createContext,
  use,
  useEffect,
  useMemo,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import {
  Client,
  Provider,
  cacheExchange,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
  type CombinedError,
} from 'urql';
import { LIVE_URL, ROUTER_URL } from './config';
import { hasCode } from './errors';
import { useSession } from './session';

/** The live link's state, for the "Live" indicator. */
export type LiveState = 'idle' | 'connecting' | 'live' | 'offline';

type LiveLink = {
  ws: WsClient;
  getState(): LiveState;
  /** Goes up each time the link comes back after a drop: events in between were missed. */
  getReconnects(): number;
  subscribe(listener: () => void): () => void;
  /**
   * Keeps the link for one holder; the link closes shortly after the last one lets go.
   * (React's StrictMode lets go and takes hold again at once: that must not close it.)
   */
  retain(): () => void;
};

/** Retries forever, waiting 1 s, 2 s, 4 s … up to 30 s, with jitter. */
async function retryWait(retries: number) {
  const ms = Math.min(1000 * 2 ** retries, 30_000) + Math.random() * 1000;
  await new Promise((resolve) => setTimeout(resolve, ms));
}

function createLiveLink(token: string | null): LiveLink {
  let state: LiveState = 'idle';
  let reconnects = 0;
  const listeners = new Set<() => void>();
  const set = (next: LiveState) => {
    state = next;
    for (const listener of listeners) listener();
  };
  const ws = createWsClient({
    url: LIVE_URL,
    connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
    lazy: true,
    // Keeps the socket across a page change, which unsubscribes and subscribes again.
    lazyCloseTimeout: 5000,
    retryAttempts: Infinity,
    retryWait,
    shouldRetry: () => true,
  });
  ws.on('connecting', (isRetry) => set(isRetry ? 'offline' : 'connecting'));
  ws.on('connected', (_socket, _payload, wasRetry) => {
    if (wasRetry) reconnects += 1;
    set('live');
  });
  ws.on('closed', (event) => {
    // 1000 is the lazy close after the last subscription ended; anything else is a drop.
    const code = (event as { code?: number } | undefined)?.code;
    set(code === 1000 ? 'idle' : 'offline');
  });
  let holders = 0;
  return {
    ws,
    retain() {
      holders += 1;
      return () => {
        holders -= 1;
        setTimeout(() => {
          if (holders === 0) void ws.dispose();
        }, 0);
      };
    },
    getState: () => state,
    getReconnects: () => reconnects,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Errors a subscription ends with are GraphQL errors or a socket's close: both become results. */
function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  const close = error as { code?: number; reason?: string } | null;
  if (close && typeof close.code === 'number') {
    return new Error(
      `The live connection closed (${close.code}${close.reason ? `: ${close.reason}` : ''}).`,
    );
  }
  return new Error('The live connection failed.');
}

function createShopClient(
  token: string | null,
  live: LiveLink,
  onUnauthenticated: (error: CombinedError) => void,
): Client {
  return new Client({
    url: ROUTER_URL,
    // POST only: the router's CSRF prevention refuses a GET without a preflighted header.
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => (token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error) {
          // A request that carried a token and was refused for it: the token expired or is
          // no longer valid. (Logging in is only offered without one.)
          if (token && hasCode(error, 'UNAUTHENTICATED')) onUnauthenticated(error);
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const payload = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = live.ws.subscribe(payload, {
                next: (result) => sink.next(result as never),
                complete: () => sink.complete(),
                error(error) {
                  // A refusal (e.g. UNAUTHENTICATED) arrives as a list of GraphQL errors.
                  if (Array.isArray(error)) {
                    sink.next({ errors: error } as never);
                    sink.complete();
                  } else {
                    sink.error(toError(error));
                  }
                },
              });
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}

const LiveContext = createContext<LiveLink | null>(null);

export function ShopClientProvider({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession();
  const token = session?.token ?? null;

  const { client, live } = useMemo(() => {
    const live = createLiveLink(token);
    const client = createShopClient(token, live, () =>
      signOut('Your session has ended. Log in again to carry on.'),
    );
    return { client, live };
  }, [token, signOut]);
  useEffect(() => live.retain(), [live]);

  return (
    <LiveContext value={live}>
      <Provider value={client}>{children}</Provider>
    </LiveContext>
  );
}

function useLiveLink(): LiveLink {
  const live = use(LiveContext);
  if (!live) throw new Error('useLiveLink outside ShopClientProvider');
  return live;
}

export function useLiveState(): LiveState {
  const live = useLiveLink();
  return useSyncExternalStore(live.subscribe, live.getState);
}

/** Changes after the live link came back from a drop: a page re-reads what it may have missed. */
export function useLiveReconnects(): number {
  const live = useLiveLink();
  return useSyncExternalStore(live.subscribe, live.getReconnects);
}
