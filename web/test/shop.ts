/**
 * The web client against the real system, for browser tests: the subgraphs and the router from
 * the router's harness, with the dev seed's accounts and catalogue, and a production build of
 * the client served by `vite preview` on a free port, pointed at that router.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { seedDatabase } from '@supergraph/prisma/seed';
import { startSystem, type System } from '@supergraph/router/testing';
import { freePort } from '@supergraph/testing';

const WEB = path.resolve(import.meta.dirname, '..');

export type Shop = { system: System; url: string; stop(): Promise<void> };

export async function startShop(): Promise<Shop> {
  const system = await startSystem();
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'supergraph-web-'));
  let server: PreviewServer | undefined;
  try {
    await seedDatabase({
      users: system.databaseUrl,
      orders: system.databaseUrl,
      tasks: system.databaseUrl,
    });
    // Vite reads VITE_* from the environment at build time, as the Dockerfile's build does.
    process.env.VITE_ROUTER_URL = system.url;
    await build({ root: WEB, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const port = await freePort();
    server = await preview({
      root: WEB,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port, strictPort: true },
    });
    return {
      system,
      url: `http://127.0.0.1:${port}`,
      async stop() {
        await server?.close();
        await rm(outDir, { recursive: true, force: true });
        await system.stop();
      },
    };
  } catch (error) {
    await server?.close();
    await rm(outDir, { recursive: true, force: true });
    await system.stop();
    throw error;
  }
}
