import { STATUS_CODES } from 'node:http';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, request } from 'undici';
import { PROOF_HEADER } from '@supergraph/common';

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

/**
 * How the router calls its subgraphs: undici's request API over a keep-alive pool per
 * subgraph origin. The gateway's default fetcher (make-fetch-happen) carries npm's caching
 * and retry machinery on every call, which the router does not use.
 */
export function createSubgraphFetcher(options: { connectionsPerSubgraph: number }) {
  const agent = new Agent({
    connections: options.connectionsPerSubgraph,
    keepAliveTimeout: 30_000,
    pipelining: 1,
  });
  const inFlight = new Map<string, Promise<BufferedResponse>>();

  async function send(url: string, init: Parameters<Fetcher>[1] = {}) {
    const res = await request(url, {
      method: (init.method ?? 'POST') as 'POST',
      headers: init.headers,
      body: init.body,
      dispatcher: agent,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    return new BufferedResponse(url, res.statusCode, headers, await res.body.text());
  }

  const fetcher: Fetcher = async (url, init = {}) => {
    const { [READ_HEADER]: read, ...headers } = init.headers ?? {};
    const forwarded = { ...init, headers };
    if (!read) return send(url, forwarded);
    // Identical reads in flight share one subgraph call. The key holds the proof, which
    // names the viewer and client, so only one caller's identical requests ever share.
    const key = `${url}\n${headers[PROOF_HEADER] ?? ''}\n${String(init.body)}`;
    const pending = inFlight.get(key);
    if (pending) return (await pending).clone();
    const call = send(url, forwarded).finally(() => inFlight.delete(key));
    inFlight.set(key, call);
    return (await call).clone();
  };
  return { fetcher, close: () => agent.close() };
}
