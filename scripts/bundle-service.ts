/**
 * Production bundle of one service (run from its folder): workspace packages, which ship
 * TypeScript sources, are bundled in; npm packages stay external and load from node_modules,
 * unless the code that imports one would get another copy than the bundle would (a package
 * installed in two versions, one nested beside the workspace that needs it): that one is
 * bundled, so the bundle runs the version its code was written against.
 * A subgraph's SDL is copied beside the bundle, where it is read at start-up.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

/** The folder Node would load `name` from, looking up from `dir` as Node does. */
function packageFolder(name: string, dir: string): string | null {
  for (let at = dir; ; at = path.dirname(at)) {
    const candidate = path.join(at, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(at) === at) return null;
  }
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const dist = path.resolve('dist');

const externalNpmPackages: Plugin = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@supergraph/') || args.path.startsWith('node:')) return undefined;
      const name = packageName(args.path);
      const wanted = packageFolder(name, args.resolveDir);
      return wanted && wanted !== packageFolder(name, dist)
        ? undefined
        : { path: args.path, external: true };
    });
  },
};

rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: ['src/index.ts'],
  outfile: path.join(dist, 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  plugins: [externalNpmPackages],
  // Bundled CommonJS packages call require(), which an ES module does not have.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
if (existsSync('src/schema.graphql'))
  copyFileSync('src/schema.graphql', path.join(dist, 'schema.graphql'));
console.log(`bundled ${path.relative(process.cwd(), dist)}/index.js`);
