/**
 * An offline GraphQL explorer: GraphiQL and React served from the router's own dependencies,
 * so exploring works without reaching any CDN.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: 'react/umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { file: 'react-dom/umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { file: 'graphiql/graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { file: 'graphiql/graphiql.min.css', type: 'text/css' },
};

const PAGE = /* HTML */ `<!doctype html>
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <title>Supergraph · GraphiQL</title>
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
      <script src="/graphiql/react.js"></script>
      <script src="/graphiql/react-dom.js"></script>
      <script src="/graphiql/graphiql.js"></script>
      <script src="/graphiql/start.js"></script>
    </body>
  </html>`;

const START = `
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
const root = ReactDOM.createRoot(document.getElementById('graphiql'));
root.render(React.createElement(GraphiQL, {
  fetcher,
  defaultEditorToolsVisibility: true,
  defaultHeaders: '{\\n  "Authorization": "Bearer <token from logIn>"\\n}',
  defaultQuery: '# Log in, then paste the token into the Headers tab.\\nmutation LogIn {\\n  logIn(email: "customer@example.com", password: "supergraph-customer") { token }\\n}\\n',
}));
`;

export function createGraphiqlRoutes() {
  const cache = new Map<string, Buffer>();
  const load = (file: string) => {
    let body = cache.get(file);
    if (!body) {
      body = readFileSync(require.resolve(file));
      cache.set(file, body);
    }
    return body;
  };
  const send = (res: ServerResponse, type: string, body: string | Buffer) => {
    res.writeHead(200, {
      'content-type': `${type}; charset=utf-8`,
      'cache-control': 'public, max-age=3600',
    });
    res.end(body);
  };
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/graphiql': (_req, res) => send(res, 'text/html', PAGE),
    '/graphiql/start.js': (_req, res) => send(res, 'text/javascript', START),
  };
  for (const [name, asset] of Object.entries(ASSETS)) {
    routes[`/graphiql/${name}`] = (_req, res) => send(res, asset.type, load(asset.file));
  }
  return routes;
}
