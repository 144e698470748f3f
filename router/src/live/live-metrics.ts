import { Counter, Gauge, type Registry } from 'prom-client';

export type Transport = 'ws' | 'sse';

/** Live subscriptions' series, on the router's registry. */
export function createLiveMetrics(registry: Registry) {
  return {
    connections: new Gauge({
      name: 'live_connections',
      help: 'Open live connections, by transport (ws: one socket; sse: one stream).',
      labelNames: ['transport'] as const,
      registers: [registry],
    }),
    subscriptions: new Gauge({
      name: 'live_subscriptions',
      help: 'Active subscriptions, by transport.',
      labelNames: ['transport'] as const,
      registers: [registry],
    }),
    delivered: new Counter({
      name: 'live_events_delivered_total',
      help: 'Results handed to subscribers, by transport.',
      labelNames: ['transport'] as const,
      registers: [registry],
    }),
    drops: new Counter({
      name: 'live_drops_total',
      help: 'Subscribers and connections refused or dropped, by transport and reason.',
      labelNames: ['transport', 'reason'] as const,
      registers: [registry],
    }),
  };
}

export type LiveMetrics = ReturnType<typeof createLiveMetrics>;
