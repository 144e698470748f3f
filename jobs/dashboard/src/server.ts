/**
 * The job dashboard: bull-board over every queue of the system at /queues, behind the
 * dashboard's auth, plus the operational endpoints every process answers.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { createEdge, type ReadyCheck } from '@supergraph/http';
import { createMetrics, type Logger } from '@supergraph/observability';
import { registerQueueDepth, type QueueSet } from '@supergraph/queues';
import { createDashboardAuth, type BasicCredentials } from './auth.ts';

export const BASE_PATH = '/queues';

/**
 * The base path's segment in any letter case, as a router pattern. Routing is case-sensitive,
 * yet /QUEUES reads as the board's address, so it asks for credentials as the board does.
 */
const ANY_CASE_BASE = `:base(^${anyCase(BASE_PATH.slice(1))}$)`;

function anyCase(word: string): string {
  return word.replace(/[a-z]/g, (letter) => `[${letter}${letter.toUpperCase()}]`);
}

/** The board's buttons act on queues; no other site may frame it and trick a click. */
const FRAME_GUARD = {
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** What {@link createServer} needs; index.ts builds it from the environment. */
export type DashboardDeps = {
  /** Producers over the queues to show; the caller owns and closes them. */
  queues: QueueSet;
  /** Switches on the dashboard's auth. */
  production: boolean;
  /** Who may get in when production is on. */
  auth: { basic: BasicCredentials | null; jwtSecret: string };
  logger: Logger;
  /** Resolves with a map of failing dependencies to reasons; empty when ready. */
  ready: ReadyCheck;
};

/** Builds the dashboard without listening, so that tests can choose the port. */
export async function createServer(deps: DashboardDeps) {
  const { logger } = deps;
  const metrics = createMetrics('dashboard');
  // The same depth gauge as the worker's, so that whichever process Prometheus scrapes shows
  // the queues; the dashboard is often the one that runs when the workers do not.
  registerQueueDepth(metrics.registry, { queues: deps.queues, logger });
  // The operational endpoints come with the edge, outside the auth: probes and scrapers carry
  // no credentials, and none of them reveals jobs.
  const app = createEdge({
    logger,
    metrics,
    ready: deps.ready,
    errorBody: (code, message) => ({ error: { code, message } }),
    notFoundBody: {
      error: { code: 'NOT_FOUND', message: 'Nothing here; the dashboard is at /queues.' },
    },
  });

  app.get('/', (_request, reply) => reply.redirect(BASE_PATH, 302));

  const board = new FastifyAdapter();
  board.setBasePath(BASE_PATH);
  // Not read-only: retrying failed emails and cleaning out dead jobs is what operators come
  // here for, and everyone the auth lets through is one (an ADMIN or the operator account).
  createBullBoard({
    queues: deps.queues.all().map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Supergraph jobs' } },
  });

  // Encapsulated, so that the headers and the auth cover the board and nothing outside it.
  void app.register(async (dashboard) => {
    dashboard.addHook('onRequest', async (_request, reply) => {
      reply.headers(FRAME_GUARD);
    });
    dashboard.addHook(
      'onRequest',
      createDashboardAuth({ production: deps.production, ...deps.auth, logger }),
    );
    void dashboard.register(board.registerPlugin(), { prefix: BASE_PATH });
    // Paths under /queues that the board does not serve, and other spellings of /queues, are
    // refused like the board itself before anyone learns that nothing is there.
    for (const url of [`/${ANY_CASE_BASE}`, `/${ANY_CASE_BASE}/*`]) {
      dashboard.all(url, (_request, reply) => reply.callNotFound());
    }
  });

  await app.ready();
  return { app, http: app.server, metrics };
}

export type DashboardServer = Awaited<ReturnType<typeof createServer>>;
