import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createProof, PROOF_HEADER } from '@supergraph/common';
import type { RouterContext } from './context.ts';
import { READ_HEADER } from './subgraph-fetcher.ts';

/** The gateway's subgraph operations start with their keyword, or `{` for a query. */
const isRead = (query: string | undefined) => query !== undefined && /^\s*(query\b|\{)/.test(query);

/**
 * Forwards each subgraph request with the router's signed proof of who is asking and from
 * where. Client headers are not forwarded: subgraphs learn identity and address from the
 * proof alone.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<RouterContext> {
  /** One proof per client request, however many subgraph fetches its plan makes. */
  private readonly proofs = new WeakMap<object, string>();

  constructor(
    url: string,
    private readonly secret: string,
    fetcher: RemoteGraphQLDataSource['fetcher'],
  ) {
    super({ url, fetcher });
  }

  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    let proof = this.proofs.get(context);
    if (!proof) {
      const viewer = 'viewer' in context ? (context.viewer ?? null) : null;
      // The address is signed with the viewer, so that a subgraph can rate-limit by it.
      const clientIp = 'clientIp' in context ? (context.clientIp ?? null) : null;
      proof = createProof(this.secret, viewer, { clientIp });
      this.proofs.set(context, proof);
    }
    request.http?.headers.set(PROOF_HEADER, proof);
    if (isRead(request.query)) request.http?.headers.set(READ_HEADER, '1');
    const requestId = 'requestId' in context ? context.requestId : undefined;
    if (requestId) request.http?.headers.set('x-request-id', requestId);
  }
}
