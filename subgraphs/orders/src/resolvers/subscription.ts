import type { ExpectNone, UnresolvedFields } from '@supergraph/common';
import type {
  Subscription as SubscriptionFields,
  SubscriptionResolvers,
} from '../generated/resolvers-types.ts';

/**
 * No resolvers: the router serves every subscription (router/src/live/). It hears of each
 * change from the order events this service publishes once the change has committed, and
 * reads the order anew, as each subscriber, through the graph. The type is in this SDL only so
 * that composition puts it in the supergraph.
 */
export const Subscription = {} satisfies SubscriptionResolvers;

/** The fields the router resolves, so that this subgraph need not. */
type ResolvedByRouter = Pick<SubscriptionFields, 'orderUpdated' | 'myOrderUpdates'>;

// A Subscription field added to the SDL fails here until the router resolves it (and is
// listed above) or it gets a resolver of its own.
type _SubscriptionFields = ExpectNone<
  UnresolvedFields<SubscriptionFields, ResolvedByRouter, typeof Subscription>
>;
