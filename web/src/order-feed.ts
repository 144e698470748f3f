/**
 * Live orders from the router's subscriptions. Each event is the order as it is now, with a
 * `version` that goes up with every change: of two copies, the higher version wins, so an
 * event that arrives late never undoes a newer one.
 */
import { useEffect, useState } from 'react';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useClient, type AnyVariables, type CombinedError } from 'urql';
import { useLiveReconnects } from './client';

export type Versioned = { id: string; version: number };

export function mergeByVersion<T extends Versioned>(
  current: ReadonlyMap<string, T>,
  order: T,
): ReadonlyMap<string, T> {
  const known = current.get(order.id);
  if (known && known.version >= order.version) return current;
  return new Map(current).set(order.id, order);
}

export type OrderFeed<T> = {
  /** The latest copy of every order an event was heard for since the page opened. */
  live: ReadonlyMap<string, T>;
  /** The order the last event was about, for a live announcement. */
  latest: T | null;
  error: CombinedError | null;
  /**
   * Goes up when the live link came back after a drop: the page re-reads its queries, since
   * events in between were missed.
   */
  resync: number;
};

type FeedState<T> = {
  /** The link's reconnect count these events were heard under. */
  resync: number;
  live: ReadonlyMap<string, T>;
  latest: T | null;
  error: CombinedError | null;
};

const EMPTY = new Map<string, never>();

/**
 * Subscribes for as long as the component is mounted (and `pause` is false), and keeps every
 * event: with a state update per event, none is lost between two renders. After a reconnect
 * it subscribes afresh and forgets what it heard before, which may be older than what the
 * page re-reads.
 */
export function useOrderFeed<Data, Variables extends AnyVariables, T extends Versioned>(
  query: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  pick: (data: Data) => T | null | undefined,
  pause = false,
): OrderFeed<T> {
  const client = useClient();
  const resync = useLiveReconnects();
  const [state, setState] = useState<FeedState<T>>({
    resync,
    live: EMPTY,
    latest: null,
    error: null,
  });
  const key = JSON.stringify(variables);

  useEffect(() => {
    if (pause) return;
    const { unsubscribe } = client
      .subscription(query, JSON.parse(key) as Variables)
      .subscribe((result) => {
        const order = result.data ? pick(result.data) : null;
        setState((current) => {
          const base = current.resync === resync ? current : { live: EMPTY, latest: null };
          return {
            resync,
            live: order ? mergeByVersion(base.live, order) : base.live,
            latest: order ?? base.latest,
            error: result.error ?? null,
          };
        });
      });
    return unsubscribe;
    // `pick` is a pure selector; a new function each render must not resubscribe.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, query, key, pause, resync]);

  const current = state.resync === resync;
  return {
    live: current ? state.live : EMPTY,
    latest: current ? state.latest : null,
    error: current ? state.error : null,
    resync,
  };
}
