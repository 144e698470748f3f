export * from './redis-client.ts';
export * from './rate-limit.ts';
export * from './order-events.ts';
