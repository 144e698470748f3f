/**
 * Builds the offline explorer (`explorer/main.ts`) into `explorer/dist/`: one page script,
 * its stylesheet and fonts, and Monaco's workers, all served by the router at `/graphiql/`.
 * Bundling at build time, instead of serving files out of node_modules, keeps the page
 * working across React and GraphiQL majors, which no longer ship browser-ready files.
 */
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const routerDir = path.resolve(import.meta.dirname, '..', '..');
const explorer = path.join(routerDir, 'explorer');
const outdir = path.join(explorer, 'dist');
const require = createRequire(path.join(explorer, 'main.ts'));

// The router's own React: another copy is installed for other tools, and two Reacts on one
// page break every hook.
const react = path.dirname(require.resolve('react/package.json'));
const reactDom = path.dirname(require.resolve('react-dom/package.json'));

const shared = {
  bundle: true,
  minify: true,
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
} as const;

rmSync(outdir, { recursive: true, force: true });
await Promise.all([
  build({
    ...shared,
    entryPoints: { graphiql: path.join(explorer, 'main.ts') },
    outdir,
    format: 'esm',
    alias: { react, 'react-dom': reactDom },
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
    assetNames: '[name]-[hash]',
  }),
  build({
    ...shared,
    entryPoints: {
      'editor.worker': require.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
      'json.worker': require.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
      'graphql.worker': require.resolve('monaco-graphql/esm/graphql.worker.js'),
    },
    outdir,
    format: 'iife',
  }),
]);
console.log(`bundled the explorer into ${path.relative(process.cwd(), outdir)}/`);
