import type { Server } from 'node:http';
import { closeServer, listen } from '@supergraph/lifecycle';

export type Readiness = {
  status: number;
  body: { status: string; failures?: Record<string, string> };
};

/**
 * Asks a built, not yet listening server for /ready once, then runs `stop` (its Apollo server,
 * its clients) after closing it.
 */
export async function readinessOf(server: {
  http: Server;
  stop: () => Promise<void>;
}): Promise<Readiness> {
  try {
    const port = await listen(server.http, 0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${port}/ready`);
    return { status: res.status, body: (await res.json()) as Readiness['body'] };
  } finally {
    await closeServer(server.http);
    await server.stop();
  }
}
