export * from './redis-client.ts';
export * from './rate-limit.ts';
export * from './address-key.ts';
export * from './redis-memory.ts';
export * from './order-events.ts';
