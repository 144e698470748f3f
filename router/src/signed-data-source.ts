import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createProof, PROOF_HEADER } from '@supergraph/common';
import type { RouterContext } from './context.ts';

/**
 * Forwards each subgraph request with the router's signed proof of who is asking. Client
 * headers are not forwarded: subgraphs learn identity from the proof alone.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    url: string,
    private readonly secret: string,
  ) {
    super({ url });
  }

  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const viewer = 'viewer' in context ? (context.viewer ?? null) : null;
    request.http?.headers.set(PROOF_HEADER, createProof(this.secret, viewer));
    const requestId = 'requestId' in context ? context.requestId : undefined;
    if (requestId) request.http?.headers.set('x-request-id', requestId);
  }
}
