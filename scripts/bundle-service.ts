/**
 * Production bundle of one service (run from its folder): workspace packages, which ship
 * TypeScript sources, are bundled in; npm packages stay external and load from node_modules.
 * A subgraph's SDL is copied beside the bundle, where it is read at start-up.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const externalNpmPackages: Plugin = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@supergraph/') ? undefined : { path: args.path, external: true },
    );
  },
};

const dist = path.resolve('dist');
rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: ['src/index.ts'],
  outfile: path.join(dist, 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  plugins: [externalNpmPackages],
  logLevel: 'warning',
});
if (existsSync('src/schema.graphql'))
  copyFileSync('src/schema.graphql', path.join(dist, 'schema.graphql'));
console.log(`bundled ${path.relative(process.cwd(), dist)}/index.js`);
