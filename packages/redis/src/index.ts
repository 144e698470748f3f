export * from './redis-client.ts';
export * from './rate-limit.ts';
