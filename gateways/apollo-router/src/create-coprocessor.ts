/**
 * The coprocessor that lets Apollo Router stand in for our router: Apollo Router cannot sign
 * the proof our subgraphs require, so it calls this service at each stage of a request (see
 * stages.ts and router.yaml beside this folder). Plain node:http: it serves one JSON endpoint and the
 * operational ones every process answers.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Counter } from 'prom-client';
import { BodyTooLargeError, readBody, sendJson, serveOperational } from '@supergraph/http';
import {
  createMetrics,
  timeHttpRequest,
  type Logger,
  type Metrics,
} from '@supergraph/observability';
import { MalformedPayloadError, Stage, parsePayload } from './protocol.ts';
import { createStages, type StageDeps } from './stages.ts';

/** What {@link createCoprocessor} needs; index.ts builds it from the environment. */
export type CoprocessorDeps = StageDeps & {
  logger: Logger;
  /** Largest payload accepted from the router, in bytes. */
  maxBodyBytes?: number;
  /** The registry served at /metrics; a new one when not given. */
  metrics?: Metrics;
};

/**
 * With the request and subgraph stages sent headers and context but no body, a payload is a
 * few kilobytes; this leaves room for a router configured to send bodies as well.
 */
const DEFAULT_MAX_BODY_BYTES = 2_000_000;

const KNOWN_STAGES = new Set<string>(Object.values(Stage));

/** Builds the coprocessor's HTTP server without listening, so that tests choose the port. */
export function createCoprocessor(deps: CoprocessorDeps): http.Server {
  const { logger } = deps;
  const metrics = deps.metrics ?? createMetrics('coprocessor');
  const decisions = new Counter({
    name: 'coprocessor_payloads_total',
    help: 'Payloads from Apollo Router, by stage and outcome (continued, refused, passed, malformed).',
    labelNames: ['stage', 'outcome'] as const,
    registers: [metrics.registry],
  });
  const handle = createStages(deps);
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  async function stage(req: IncomingMessage, res: ServerResponse) {
    let raw: string;
    try {
      raw = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.setHeader('connection', 'close');
      sendJson(res, 413, { error: `payload larger than ${maxBodyBytes} bytes` });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      decisions.inc({ stage: 'unknown', outcome: 'malformed' });
      sendJson(res, 400, { error: 'payload is not JSON' });
      return;
    }
    try {
      const payload = parsePayload(parsed);
      const { outcome, answer } = await handle(payload);
      // Stage names come from whoever posts: only the ones we act on become label values.
      decisions.inc({ stage: KNOWN_STAGES.has(payload.stage) ? payload.stage : 'other', outcome });
      sendJson(res, 200, answer);
    } catch (error) {
      if (!(error instanceof MalformedPayloadError)) throw error;
      decisions.inc({ stage: 'unknown', outcome: 'malformed' });
      // A misconfigured router.yaml shows up here; the message names what is missing.
      logger.warn({ reason: error.message }, 'malformed coprocessor payload');
      sendJson(res, 400, { error: error.message });
    }
  }

  // It depends on nothing but its secrets, which start-up has already checked.
  const ready = async () => ({});

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    if (path === '/') {
      if (method !== 'POST') {
        res.setHeader('allow', 'POST');
        sendJson(res, 405, { error: 'the coprocessor takes POST' });
        return;
      }
      await stage(req, res);
      return;
    }
    // Probes and scrapers send no body; whatever else arrives is not read.
    req.resume();
    if (method !== 'GET' && method !== 'HEAD') {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    if (!(await serveOperational(path, res, { ready, metrics }))) {
      sendJson(res, 404, { error: 'not found' });
    }
  }

  return http.createServer((req, res) => {
    timeHttpRequest(metrics, req, res);
    route(req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'coprocessor request failed');
      if (res.headersSent) res.end();
      else sendJson(res, 500, { error: 'internal error' });
    });
  });
}
