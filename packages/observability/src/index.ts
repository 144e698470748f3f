export * from './logger.ts';
export * from './metrics.ts';
export * from './tracing.ts';
export * from './request-context.ts';
export * from './database-metrics.ts';
