import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createProof, PROOF_HEADER } from '@supergraph/common';
import type { RouterContext } from './context.ts';

/**
 * Forwards each subgraph request with the router's signed proof of who is asking and from
 * where. Client headers are not forwarded: subgraphs learn identity and address from the
 * proof alone.
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
    // The address is signed with the viewer, so that a subgraph can rate-limit by it.
    const clientIp = 'clientIp' in context ? (context.clientIp ?? null) : null;
    request.http?.headers.set(PROOF_HEADER, createProof(this.secret, viewer, { clientIp }));
    const requestId = 'requestId' in context ? context.requestId : undefined;
    if (requestId) request.http?.headers.set('x-request-id', requestId);
  }
}
