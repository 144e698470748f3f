import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Kind, parse, type SelectionNode } from 'graphql';
import { PROOF_HEADER } from '@supergraph/auth';
import type { Logger } from '@supergraph/observability';
import type { RouterContext } from './context.ts';
import { READ_HEADER, SubgraphUnavailableError } from './subgraph-fetcher.ts';

/** The gateway's subgraph operations start with their keyword, or `{` for a query. */
const isRead = (query: string | undefined) => query !== undefined && /^\s*(query\b|\{)/.test(query);

type GatewayResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** Errors beyond this many on one failed fetch add nothing for the client. */
const MAX_PATHS = 100;

function responseKeys(selections: readonly SelectionNode[]): string[] {
  return selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.alias?.value ?? selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      return responseKeys(selection.selectionSet.selections);
    }
    return [];
  });
}

/**
 * The paths, in the subgraph's response, of the fields a failed fetch should have returned.
 * The gateway maps `_entities` paths back onto the client's operation, so each error lands on
 * the field the client asked for: `me.orders`, not the whole operation.
 */
function affectedPaths(request: { query?: string; variables?: Record<string, unknown> }) {
  let operation;
  try {
    operation = parse(request.query ?? '').definitions.find(
      (definition) => definition.kind === Kind.OPERATION_DEFINITION,
    );
  } catch {
    return [undefined];
  }
  if (!operation) return [undefined];
  const [root] = operation.selectionSet.selections;
  if (
    operation.selectionSet.selections.length === 1 &&
    root?.kind === Kind.FIELD &&
    root.name.value === '_entities'
  ) {
    const count = Array.isArray(request.variables?.representations)
      ? request.variables.representations.length
      : 0;
    const fields = [...new Set(responseKeys(root.selectionSet?.selections ?? []))].filter(
      (key) => key !== '__typename',
    );
    const paths: Array<Array<string | number>> = [];
    for (let index = 0; index < count && paths.length < MAX_PATHS; index++) {
      for (const field of fields) paths.push(['_entities', index, field]);
    }
    return paths.length > 0 ? paths.slice(0, MAX_PATHS) : [undefined];
  }
  return responseKeys(operation.selectionSet.selections).map((key) => [key]);
}

/**
 * Forwards each subgraph request with the router's signed proof of who is asking and from
 * where. Client headers are not forwarded: subgraphs learn identity and address from the
 * proof alone. A subgraph that cannot answer becomes a GraphQL error for the fields it
 * serves (SUBGRAPH_UNAVAILABLE), so that the rest of the operation still comes back.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<RouterContext> {
  private readonly subgraph: string;
  private readonly proofFor: (context: Partial<RouterContext>) => string;
  private readonly log: Logger;

  constructor(options: {
    name: string;
    url: string;
    /** The request's proof, shared by every subgraph data source (see `createRequestProofs`). */
    proofFor: (context: Partial<RouterContext>) => string;
    fetcher: RemoteGraphQLDataSource['fetcher'];
    logger: Logger;
  }) {
    super({ url: options.url, fetcher: options.fetcher });
    this.subgraph = options.name;
    this.proofFor = options.proofFor;
    this.log = options.logger;
  }

  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    request.http?.headers.set(PROOF_HEADER, this.proofFor(context));
    if (isRead(request.query)) request.http?.headers.set(READ_HEADER, '1');
    const requestId = 'requestId' in context ? context.requestId : undefined;
    if (requestId) request.http?.headers.set('x-request-id', requestId);
  }

  override async process(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
  ): Promise<GatewayResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      if (!(error instanceof SubgraphUnavailableError)) throw error;
      const context = options.context as Partial<RouterContext>;
      this.log.warn(
        { subgraph: this.subgraph, requestId: context.requestId, reason: error.message },
        'subgraph unavailable',
      );
      return {
        errors: affectedPaths(options.request).map((path) => ({
          message: `The ${this.subgraph} service is unavailable; try again shortly.`,
          path,
          extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
        })),
      };
    }
  }
}
