import DataLoader from 'dataloader';
import { createProof, PROOF_HEADER } from '@supergraph/auth';
import { SERVICE_VIEWER } from '@supergraph/common';
import { REQUEST_ID_HEADER, currentRequestScope, traceHeaders } from '@supergraph/observability';

export type Recipient = { id: string; name: string; email: string };

export interface UserDirectory {
  /** The user's current name and address, or null when there is no such user. */
  get(id: string): Promise<Recipient | null>;
}

const BATCH_WINDOW_MS = 5;

const ENTITIES = `query Recipients($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on User { id name email } }
}`;

type EntitiesResponse = {
  data?: { _entities?: Array<Recipient | null> } | null;
  errors?: Array<{ message: string; path?: ReadonlyArray<string | number> }>;
};

/**
 * The error, if any, that makes entity `index`'s null unreliable: one whose path points at it,
 * or one that points at no entity in particular (it may have caused any null).
 */
function errorFor(errors: EntitiesResponse['errors'], index: number) {
  return errors?.find((error) => {
    const at = error.path?.[1];
    return typeof at !== 'number' || at === index;
  });
}

export type UserDirectoryOptions = {
  /** The users subgraph's GraphQL endpoint. */
  usersUrl: string;
  subgraphSecret: string;
  timeoutMs?: number;
};

/**
 * Looks users up through the users subgraph's federation entities: the address is read when
 * the email is sent, so it is current, and no other service reads the users schema. Lookups
 * made within a few milliseconds of each other go out as one request.
 */
export function createUserDirectory(options: UserDirectoryOptions): UserDirectory {
  const loader = new DataLoader<string, Recipient | null>(
    async (ids) => {
      // A lookup for one job continues that job's request and trace; a batch serves several,
      // so it claims none of theirs.
      const requestId = ids.length === 1 ? currentRequestScope()?.requestId : undefined;
      const response = await fetch(options.usersUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [PROOF_HEADER]: createProof(options.subgraphSecret, SERVICE_VIEWER),
          ...(requestId ? { [REQUEST_ID_HEADER]: requestId, ...traceHeaders() } : {}),
        },
        body: JSON.stringify({
          query: ENTITIES,
          variables: { representations: ids.map((id) => ({ __typename: 'User', id })) },
        }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`users subgraph answered HTTP ${response.status}`);
      const body = (await response.json()) as EntitiesResponse;
      const entities = body.data?._entities;
      if (!entities) {
        throw new Error(`users subgraph lookup failed: ${body.errors?.[0]?.message ?? 'no data'}`);
      }
      // Only a null the users subgraph resolved without error means "no such user", which
      // fails the email for good; a null next to an error is a fault (a database blip), and
      // failing that lookup leaves the email to its retries.
      return ids.map((_, index) => {
        const entity = entities[index];
        if (entity) return entity;
        const error = errorFor(body.errors, index);
        return error ? new Error(`users subgraph lookup failed: ${error.message}`) : null;
      });
    },
    {
      cache: false,
      maxBatchSize: 200,
      // Emails in flight reach this point a few milliseconds apart; waiting that long lets
      // one request to the users subgraph serve them all.
      batchScheduleFn: (callback) => setTimeout(callback, BATCH_WINDOW_MS),
    },
  );
  return { get: (id) => loader.load(id) };
}
