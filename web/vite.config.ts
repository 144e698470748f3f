import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import codegenConfig from './codegen.ts';

/** The web client's own port; it calls the router cross-origin (VITE_ROUTER_URL). */
function webPort(): number {
  const raw = process.env.WEB_PORT ?? '5173';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`configuration error: WEB_PORT: expected a port number, got "${raw}"`);
  }
  return port;
}

/**
 * In dev, regenerates the typed documents when a file with a `graphql(...)` operation is
 * saved: the preset's `graphql()` finds a document by its exact text, so an edited operation
 * would otherwise be missing until the next `npm run generate`. (`npm run build` and the checks
 * run generate themselves.)
 */
function regenerateOperations(): Plugin {
  const src = path.resolve(import.meta.dirname, 'src');
  let running: Promise<void> | null = null;
  let again = false;
  return {
    name: 'supergraph:graphql-codegen',
    apply: 'serve',
    configureServer(server) {
      const run = async (): Promise<void> => {
        if (running) {
          again = true;
          return running;
        }
        running = generate({ ...codegenConfig, silent: true, errorsOnly: true }, true)
          .then(() =>
            server.config.logger.info('GraphQL operations regenerated', { timestamp: true }),
          )
          .catch((error: unknown) =>
            server.config.logger.error(
              `GraphQL codegen: ${error instanceof Error ? error.message : String(error)}`,
            ),
          )
          .finally(() => {
            running = null;
          });
        await running;
        if (again) {
          again = false;
          await run();
        }
      };
      server.watcher.on('change', async (file) => {
        if (!file.startsWith(src + path.sep) || file.includes(`${path.sep}generated${path.sep}`))
          return;
        if (!/\.tsx?$/.test(file)) return;
        const text = await readFile(file, 'utf8').catch(() => '');
        if (text.includes('graphql(')) await run();
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), regenerateOperations()],
  // urql is hoisted to the root node_modules, where another workspace's React 18 sits: one
  // React, this workspace's, for every import.
  resolve: { dedupe: ['react', 'react-dom'] },
  server: { port: webPort(), strictPort: true },
  preview: { port: webPort(), strictPort: true },
});
