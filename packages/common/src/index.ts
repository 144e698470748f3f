export * from './errors.ts';
export * from './pagination.ts';
export * from './date-time.ts';
export * from './uuid7.ts';
export * from './viewer.ts';
export * from './batch-loaders.ts';
export * from './unresolved-fields.ts';
export * from './list-bounds.ts';
