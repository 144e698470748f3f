/**
 * The dev landing page at `/graphql`: Apollo Sandbox, which loads from Apollo's CDN, plus a
 * link to the bundled GraphiQL at `/graphiql` that stays visible, so that somebody offline
 * (or behind a proxy that blocks the CDN) is never left on "Sandbox cannot be loaded".
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

const LINK_TEXT = 'Offline? Open the bundled GraphiQL';

function withExplorerLink(html: string): string {
  // Apollo's page allows only styles carrying its per-response nonce.
  const nonce = /'nonce-([^']+)'/.exec(html)?.[1];
  const style = nonce
    ? `<style nonce="${nonce}">
  .offline-explorer { position: fixed; right: 16px; bottom: 16px; z-index: 10; padding: 8px 12px;
    border-radius: 6px; background: #1b2240; color: #fff; font: 14px/1.4 system-ui, sans-serif;
    text-decoration: none; box-shadow: 0 2px 8px rgb(0 0 0 / 25%); }
  .offline-explorer:hover, .offline-explorer:focus { background: #3f20ba; }
</style>`
    : '';
  const link = `${style}<a class="offline-explorer" href="/graphiql">${LINK_TEXT} →</a>`;
  return html.replace('<body>', `<body>\n    ${link}`);
}

export function landingPageWithOfflineExplorer(): ApolloServerPlugin {
  const sandbox = ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false });
  return {
    async serverWillStart(service) {
      const listener = await sandbox.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!listener || !render) return listener;
      return {
        ...listener,
        async renderLandingPage() {
          const page = await render.call(listener);
          const html = page.html;
          return {
            html: async () => withExplorerLink(typeof html === 'string' ? html : await html()),
          };
        },
      };
    },
  };
}
