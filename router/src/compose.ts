/**
 * Static composition: the subgraphs' SDL files in, one supergraph out. The gateway serves the
 * committed result, so production never depends on subgraphs being up to learn the schema.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

export const SUBGRAPH_NAMES = ['users', 'orders', 'tasks'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** The URLs written into the committed supergraph; the router overrides them from env. */
export const DEFAULT_SUBGRAPH_URLS: Record<SubgraphName, string> = {
  users: 'http://localhost:4001/graphql',
  orders: 'http://localhost:4002/graphql',
  tasks: 'http://localhost:4003/graphql',
};

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SUPERGRAPH_FILE = path.join(REPO_ROOT, 'router', 'supergraph.graphql');

export function schemaFile(name: SubgraphName): string {
  return path.join(REPO_ROOT, 'subgraphs', name, 'src', 'schema.graphql');
}

export class CompositionError extends Error {
  override name = 'CompositionError';
}

export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      url: DEFAULT_SUBGRAPH_URLS[name],
      typeDefs: parse(readFileSync(schemaFile(name), 'utf8')),
    })),
  );
  if (result.errors) {
    throw new CompositionError(result.errors.map((error) => `- ${error.message}`).join('\n'));
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}
