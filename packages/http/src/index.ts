export * from './http-server.ts';
export * from './database-ready.ts';
export * from './format-error.ts';
export * from './nul-character-plugin.ts';
