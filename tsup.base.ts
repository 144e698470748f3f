import type { Options } from 'tsup';

/** How every service is bundled for production. */
export function serviceBundle({ copySchema }: { copySchema: boolean }): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    // Workspace packages ship TypeScript sources, so they are bundled; npm packages stay external.
    noExternal: [/^@supergraph\//],
    external: [/^(?!@supergraph\/)[^./]/],
    clean: true,
    // A subgraph reads its SDL at start-up from beside the bundle.
    ...(copySchema ? { onSuccess: 'cp src/schema.graphql dist/schema.graphql' } : {}),
  };
}
