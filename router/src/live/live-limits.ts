/** How much live traffic one router takes. */
export type LiveLimits = {
  connectionsPerClient: number;
  connectionsPerProcess: number;
  subscriptionsPerConnection: number;
  /** About 20 KB each: the default bounds idle subscriptions to about 1 GB of heap. */
  subscriptionsPerProcess: number;
  keepAliveMs: number;
  /** Results one subscriber may leave unread before it is dropped. */
  maxPendingResults: number;
  /** Unsent bytes on a connection past which its client counts as too slow and is dropped. */
  maxBufferedBytes: number;
};

export const DEFAULT_LIVE_LIMITS: LiveLimits = {
  connectionsPerClient: 50,
  connectionsPerProcess: 20_000,
  subscriptionsPerConnection: 20,
  subscriptionsPerProcess: 50_000,
  keepAliveMs: 12_000,
  maxPendingResults: 32,
  maxBufferedBytes: 1_000_000,
};
