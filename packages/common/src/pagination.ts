import { badUserInput } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export type PageArgs = { first?: number | null; after?: string | null };

/** A validated page request: fetch `first + 1` rows strictly after `afterId` to learn whether more exist. */
export type Page = { first: number; afterId: string | null };

export type Edge<T> = { cursor: string; node: T };
export type Connection<T> = {
  edges: Edge<T>[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
};

const CURSOR_PREFIX = 'c1:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Cursors are opaque to clients; inside they carry the id of the last row seen. */
export function encodeCursor(id: string): string {
  return Buffer.from(CURSOR_PREFIX + id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, field = 'after'): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = raw.startsWith(CURSOR_PREFIX) ? raw.slice(CURSOR_PREFIX.length) : '';
  if (!isUuid(id)) throw badUserInput(field, 'is not a cursor returned by this API.');
  return id.toLowerCase();
}

export function parsePage(args: PageArgs): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput('first', `must be between 0 and ${MAX_PAGE_SIZE}.`);
  }
  return { first, afterId: args.after ? decodeCursor(args.after) : null };
}

/** Builds a connection from up to `first + 1` rows already sorted in page order. */
export function toConnection<T extends { id: string }>(
  rows: readonly T[],
  page: Page,
): Connection<T> {
  const nodes = rows.slice(0, page.first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.first,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
