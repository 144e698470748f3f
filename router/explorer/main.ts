/**
 * The offline explorer's page script: GraphiQL pointed at this router, with everything it
 * loads (React, Monaco and its workers, styles, fonts) served by the router itself, so that
 * exploring the graph needs no CDN.
 */
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import type { Environment } from 'monaco-editor';

// Monaco asks for a worker per language; each is a file of its own beside this script.
const monacoEnvironment: Environment = {
  getWorker(_workerId: string, label: string) {
    const file =
      label === 'graphql'
        ? 'graphql.worker.js'
        : label === 'json'
          ? 'json.worker.js'
          : 'editor.worker.js';
    return new Worker(new URL(file, import.meta.url));
  },
};
window.MonacoEnvironment = monacoEnvironment;

const DEFAULT_QUERY = `# Run LogIn, then add its token under Headers:
#   { "Authorization": "Bearer <token>" }
mutation LogIn {
  logIn(email: "customer@example.com", password: "supergraph-customer") {
    token
    user { id name role }
  }
}

query Catalogue {
  products(first: 5) {
    edges { node { id name priceCents currency } }
  }
}
`;

const container = document.getElementById('graphiql');
if (!container) throw new Error('the page has no #graphiql element');
createRoot(container).render(
  createElement(GraphiQL, {
    fetcher: createGraphiQLFetcher({ url: new URL('/graphql', location.href).toString() }),
    defaultEditorToolsVisibility: true,
    defaultQuery: DEFAULT_QUERY,
  }),
);
