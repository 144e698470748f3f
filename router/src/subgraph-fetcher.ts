import { STATUS_CODES } from 'node:http';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleAll,
  handleWhen,
  retry,
} from 'cockatiel';
import { Agent, request } from 'undici';
import { PROOF_HEADER } from '@supergraph/auth';
import { SpanKind, SpanStatusCode, spanHeaders, tracer } from '@supergraph/observability';

/**
 * Set by the data source on requests that only read (the fetcher removes it before sending):
 * those may share one call with an identical request in flight.
 */
export const READ_HEADER = 'x-supergraph-read-only';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** A response read whole: a subgraph answer is one JSON document. */
class BufferedResponse implements FetcherResponse {
  readonly bodyUsed = false;
  readonly redirected = false;
  readonly ok: boolean;
  readonly statusText: string;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: Headers,
    private readonly body: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.statusText = STATUS_CODES[status] ?? '';
  }

  async text(): Promise<string> {
    return this.body;
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(this.body);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  clone(): FetcherResponse {
    return new BufferedResponse(this.url, this.status, this.headers, this.body);
  }
}

/** How the router treats one subgraph that fails or is slow. */
export type SubgraphResilience = {
  /** A call taking longer than this fails. */
  timeoutMs: number;
  /** Consecutive failed calls that open the circuit. */
  failuresToOpen: number;
  /** How long an open circuit refuses calls before letting one probe through. */
  halfOpenAfterMs: number;
};

/** A subgraph call that failed: no answer, a timeout, a 5xx, or an open circuit. */
export class SubgraphUnavailableError extends Error {
  override name = 'SubgraphUnavailableError';
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** A failure before the subgraph could have acted on the request: safe to send again. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code;
  return typeof code === 'string' && CONNECTION_ERRORS.has(code);
}

/**
 * How the router calls one subgraph: undici's request API over a keep-alive pool (the
 * gateway's default fetcher, make-fetch-happen, carries npm's caching and retry machinery on
 * every call). Each call has a timeout; reads are retried with backoff on connection errors,
 * mutations never; and a circuit breaker stops calling a subgraph that keeps failing, probing
 * it again after a while, so that a dead service costs callers nothing but an error.
 */
/** Why a call failed, as a metric label. */
function failureReason(error: unknown): string {
  if (error instanceof BrokenCircuitError) return 'circuit_open';
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return 'timeout';
  }
  if (error instanceof SubgraphUnavailableError) return 'http_5xx';
  return isConnectionError(error) ? 'connection' : 'other';
}

const spans = tracer('router');

export function createSubgraphFetcher(options: {
  /** The subgraph's name, for its spans. */
  name?: string;
  connectionsPerSubgraph: number;
  resilience: SubgraphResilience;
  /** Called after every call with its duration, and why it failed when it did. */
  onCall?: (seconds: number, failure?: string) => void;
}) {
  const { resilience } = options;
  const agent = new Agent({
    connections: options.connectionsPerSubgraph,
    keepAliveTimeout: 30_000,
    pipelining: 1,
  });
  const inFlight = new Map<string, Promise<BufferedResponse>>();
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: resilience.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(resilience.failuresToOpen),
  });
  const retryReads = retry(handleWhen(isConnectionError), {
    maxAttempts: 2,
    backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }),
  });

  async function send(url: string, init: Parameters<Fetcher>[1] = {}) {
    const res = await request(url, {
      method: (init.method ?? 'POST') as 'POST',
      headers: init.headers,
      body: init.body,
      dispatcher: agent,
      signal: AbortSignal.timeout(resilience.timeoutMs),
    });
    const body = await res.body.text();
    if (res.statusCode >= 500) {
      throw new SubgraphUnavailableError(`answered ${res.statusCode}`);
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    return new BufferedResponse(url, res.statusCode, headers, body);
  }

  async function call(url: string, given: Parameters<Fetcher>[1], read: boolean) {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    // One client span per call, retries included; the subgraph continues its trace.
    const span = spans.startSpan(`POST ${options.name ?? 'subgraph'}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': 'POST', 'url.full': url },
    });
    const init = {
      ...given,
      headers: { ...given?.headers, ...spanHeaders(span) },
    };
    try {
      const response = await breaker.execute(() =>
        read ? retryReads.execute(() => send(url, init)) : send(url, init),
      );
      options.onCall?.(seconds());
      span.setAttribute('http.response.status_code', response.status);
      span.end();
      return response;
    } catch (error) {
      const reason = failureReason(error);
      options.onCall?.(seconds(), reason);
      span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      span.end();
      if (error instanceof BrokenCircuitError) throw new SubgraphUnavailableError('circuit open');
      if (error instanceof SubgraphUnavailableError) throw error;
      throw new SubgraphUnavailableError(
        error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      );
    }
  }

  const fetcher: Fetcher = async (url, init = {}) => {
    const { [READ_HEADER]: read, ...headers } = init.headers ?? {};
    const forwarded = { ...init, headers };
    if (!read) return call(url, forwarded, false);
    // Identical reads in flight share one subgraph call. The key holds the proof, which
    // names the viewer and client, so only one caller's identical requests ever share.
    const key = `${url}\n${headers[PROOF_HEADER] ?? ''}\n${String(init.body)}`;
    const pending = inFlight.get(key);
    if (pending) return (await pending).clone();
    const pendingCall = call(url, forwarded, true).finally(() => inFlight.delete(key));
    inFlight.set(key, pendingCall);
    return (await pendingCall).clone();
  };
  return { fetcher, breaker, close: () => agent.close() };
}
