/**
 * The offline explorer at `/graphiql` (dev only): GraphiQL as bundled into `explorer/dist/`
 * by `src/cli/bundle-explorer.ts`, so exploring works without reaching any CDN.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import path from 'node:path';

const DEFAULT_BUNDLE_DIR = path.resolve(import.meta.dirname, '..', 'explorer', 'dist');

const PAGE = /* HTML */ `<!doctype html>
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>Supergraph · GraphiQL</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href="/graphiql/graphiql.css" />
      <style>
        body {
          margin: 0;
          height: 100vh;
        }
        #graphiql {
          height: 100vh;
        }
      </style>
    </head>
    <body>
      <div id="graphiql">Loading…</div>
      <script type="module" src="/graphiql/graphiql.js"></script>
    </body>
  </html>`;

const MISSING = /* HTML */ `<!doctype html>
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <title>Supergraph · GraphiQL</title>
    </head>
    <body>
      <h1>The explorer is not built</h1>
      <p>Run <code>npm run generate</code> (or restart <code>npm run dev</code>), then reload.</p>
    </body>
  </html>`;

/** Serves the page and every bundled file; a page that says so when the bundle is missing. */
export function graphiqlRoutes(app: FastifyInstance, bundleDir = DEFAULT_BUNDLE_DIR): void {
  if (!existsSync(path.join(bundleDir, 'graphiql.js'))) {
    app.get('/graphiql', (_request, reply) =>
      reply.code(503).type('text/html; charset=utf-8').send(MISSING),
    );
    return;
  }
  app.get('/graphiql', (_request, reply) =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(PAGE),
  );
  void app.register(fastifyStatic, {
    root: bundleDir,
    prefix: '/graphiql/',
    // The bundle's names stay the same across rebuilds: a browser revalidates every load.
    cacheControl: false,
    setHeaders: (reply) => reply.header('cache-control', 'no-cache'),
  });
}
