/**
 * Request-scoped batching: every lookup a request makes of one kind becomes a single query.
 * Keys come from clients (entity representations, arguments), so they are matched
 * case-insensitively, and keys that are not UUIDs are answered without reaching Postgres,
 * which would reject them.
 */
import DataLoader from 'dataloader';
import { isUuid } from './pagination.ts';

/** The distinct, lower-cased UUIDs among `keys`, as Postgres returns them. */
export function uniqueUuids(keys: readonly string[]): string[] {
  return [...new Set(keys.filter(isUuid).map((key) => key.toLowerCase()))];
}

type Fetch<T> = (ids: string[]) => Promise<readonly T[]>;

async function fetchGroups<T>(
  keys: readonly string[],
  fetch: Fetch<T>,
  keyOf: (row: T) => string | null,
): Promise<Map<string, T[]>> {
  const ids = uniqueUuids(keys);
  const groups = new Map<string, T[]>();
  if (!ids.length) return groups;
  for (const row of await fetch(ids)) {
    const key = keyOf(row)?.toLowerCase();
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** One row per key (or null): `fetch` gets the ids, `keyOf` says which key a row answers. */
export function createRowLoader<T>(
  fetch: Fetch<T>,
  keyOf: (row: T) => string | null,
): DataLoader<string, T | null> {
  return new DataLoader(async (keys) => {
    const groups = await fetchGroups(keys, fetch, keyOf);
    return keys.map((key) => groups.get(key.toLowerCase())?.[0] ?? null);
  });
}

/** Every row per key, in the order `fetch` returned them. */
export function createGroupLoader<T>(
  fetch: Fetch<T>,
  keyOf: (row: T) => string | null,
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const groups = await fetchGroups(keys, fetch, keyOf);
    return keys.map((key) => groups.get(key.toLowerCase()) ?? []);
  });
}

/**
 * Loaders for a field whose arguments shape the query (a page size, a filter): one loader, so
 * one query, per distinct set of arguments within a request.
 */
export class LoaderFamily<A, V> {
  private readonly loaders = new Map<string, DataLoader<string, V>>();

  constructor(private readonly create: (args: A) => DataLoader<string, V>) {}

  for(args: A): DataLoader<string, V> {
    const key = JSON.stringify(args);
    let loader = this.loaders.get(key);
    if (!loader) {
      loader = this.create(args);
      this.loaders.set(key, loader);
    }
    return loader;
  }
}
