/**
 * The job dashboard: bull-board over every queue of the system at /queues, behind the
 * dashboard's auth, plus the operational endpoints every process answers.
 */
import http from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { serveOperational, type ReadyCheck } from '@supergraph/http';
import { createMetrics, timeHttpRequest, type Logger } from '@supergraph/observability';
import { registerQueueDepth, type QueueSet } from '@supergraph/queues';
import { createDashboardAuth, type BasicCredentials } from './auth.ts';

export const BASE_PATH = '/queues';

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

function sendError(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ error: { code, message } });
}

/** Builds the dashboard without listening, so that tests can choose the port. */
export function createServer(deps: DashboardDeps) {
  const { logger } = deps;
  const metrics = createMetrics('dashboard');
  // The same depth gauge as the worker's, so that whichever process Prometheus scrapes shows
  // the queues; the dashboard is often the one that runs when the workers do not.
  registerQueueDepth(metrics.registry, { queues: deps.queues, logger });
  const app = express();
  app.disable('x-powered-by');

  app.use((req, res, next) => {
    timeHttpRequest(metrics, req, res);
    next();
  });

  // Outside the auth: probes and scrapers carry no credentials, and none of these reveal jobs.
  app.get(['/health', '/ready', '/metrics'], async (req, res) => {
    await serveOperational(req.path, res, { ready: deps.ready, metrics });
  });
  app.get('/', (_req, res) => {
    res.redirect(302, BASE_PATH);
  });

  const board = new ExpressAdapter();
  board.setBasePath(BASE_PATH);
  // Not read-only: retrying failed emails and cleaning out dead jobs is what operators come
  // here for, and everyone the auth lets through is one (an ADMIN or the operator account).
  createBullBoard({
    queues: deps.queues.all().map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Supergraph jobs' } },
  });
  app.use(
    BASE_PATH,
    (_req, res, next) => {
      // The board's buttons act on queues; no other site may frame it and trick a click.
      res.set({
        'content-security-policy': "frame-ancestors 'none'",
        'x-frame-options': 'DENY',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      next();
    },
    createDashboardAuth({ production: deps.production, ...deps.auth, logger }),
    board.getRouter() as express.Router,
  );

  app.use((_req, res) => {
    sendError(res, 404, 'NOT_FOUND', 'Nothing here; the dashboard is at /queues.');
  });
  // Express recognises an error handler by its four parameters, so `_next` must stay.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err: error, method: req.method, path: req.path }, 'dashboard request failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    const status = (error as { status?: unknown }).status;
    // Client errors raised by express itself (a malformed JSON body) keep their status; the
    // rest is ours, and its details stay in the log.
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendError(res, status, 'BAD_REQUEST', 'The request could not be read.');
    } else {
      sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
    }
  });

  return { app, http: http.createServer(app), metrics };
}

export type DashboardServer = ReturnType<typeof createServer>;
