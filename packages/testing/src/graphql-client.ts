import { createProof, type Viewer } from '@supergraph/auth';

export type GraphQLResponse<T = Record<string, unknown>> = {
  status: number;
  data?: T | null;
  errors?: Array<{
    message: string;
    path?: Array<string | number>;
    extensions?: Record<string, unknown>;
  }>;
};

export type RequestOptions = {
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
};

/** Posts one operation over real HTTP and returns the status with the parsed body. */
export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  query: string,
  { variables, headers }: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: res.status, ...body };
}

/**
 * Headers with which a test speaks to a subgraph as the router would, for `viewer`, and for a
 * client at `clientIp` when given.
 */
export function asRouter(
  secret: string,
  viewer: Viewer | null,
  clientIp?: string,
): Record<string, string> {
  return { 'x-supergraph-proof': createProof(secret, viewer, { clientIp }) };
}

export function errorCodes(response: GraphQLResponse<unknown>): unknown[] {
  return (response.errors ?? []).map((e) => e.extensions?.code);
}
