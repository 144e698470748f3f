/**
 * The offline explorer at `/graphiql` (dev only): GraphiQL as bundled into `explorer/dist/`
 * by `src/cli/bundle-explorer.ts`, so exploring works without reaching any CDN.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const DEFAULT_BUNDLE_DIR = path.resolve(import.meta.dirname, '..', 'explorer', 'dist');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

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

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** Routes for the page and every bundled file, read from disk once each. */
export function createGraphiqlRoutes(bundleDir = DEFAULT_BUNDLE_DIR): Record<string, Route> {
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, {
      'content-type': type,
      // The bundle's names stay the same across rebuilds: a browser revalidates every load.
      'cache-control': 'no-cache',
    });
    res.end(body);
  };
  if (!existsSync(path.join(bundleDir, 'graphiql.js'))) {
    return { '/graphiql': (_req, res) => send(res, 503, 'text/html; charset=utf-8', MISSING) };
  }
  const routes: Record<string, Route> = {
    '/graphiql': (_req, res) => send(res, 200, 'text/html; charset=utf-8', PAGE),
  };
  for (const file of readdirSync(bundleDir)) {
    const type = TYPES[path.extname(file)];
    if (!type) continue;
    let body: Buffer | undefined;
    routes[`/graphiql/${file}`] = (_req, res) => {
      body ??= readFileSync(path.join(bundleDir, file));
      send(res, 200, type, body);
    };
  }
  return routes;
}
