import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { currentRequestScope } from './request-context.ts';
import { activeTraceIds } from './tracing.ts';

export type { Logger };

/**
 * What never reaches a log line, whatever a caller passes: credentials, and the bodies of the
 * emails we send (they hold names, addresses and orders).
 */
const REDACTED = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-supergraph-proof"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-supergraph-proof"]',
  'variables.password',
  'variables.*.password',
  'variables.*.newPassword',
  'html',
  '*.html',
  'text',
  '*.text',
];

/**
 * JSON logs. Every line written while a request or job runs carries its `requestId` (and the
 * job's queue and id, and the trace and span ids when tracing records), so that one id finds
 * everything it caused across the router, the subgraphs and the worker.
 */
export function createLogger(name: string, level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: REDACTED, censor: '[redacted]' },
    mixin() {
      const scope = currentRequestScope();
      const ids = activeTraceIds();
      if (!scope && !ids) return {};
      return { ...scope, ...ids };
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
