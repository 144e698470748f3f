import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  // Workspace packages ship TypeScript sources, so they are bundled; npm packages stay external.
  noExternal: [/^@supergraph\//],
  external: [/^(?!@supergraph\/)[^./]/],
  clean: true,
});
