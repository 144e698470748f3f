import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What every log line caused by one request or one job carries. The request id is made at the
 * router (or taken from the client's `x-request-id`), passed to the subgraphs in that header,
 * and stored with the jobs a request enqueues, so one id finds everything it caused.
 */
export type RequestScope = {
  requestId: string;
  /** Set while a job runs: the job's queue and id. */
  queue?: string;
  jobId?: string;
};

export const REQUEST_ID_HEADER = 'x-request-id';

/** Ids a client may choose: short, and nothing a log viewer could misread. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

const storage = new AsyncLocalStorage<RequestScope>();

/** The given id when it is well formed, else a new one. */
export function requestIdFrom(given: unknown): string {
  const value = Array.isArray(given) ? given[0] : given;
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : randomUUID();
}

/** Runs `fn` with `scope` as the current request: logs and enqueued jobs pick it up. */
export function withRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}
