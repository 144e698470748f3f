import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse, stripIgnoredCharacters } from 'graphql';
import { ConfigError } from '@supergraph/config';
import type { GraphQLParams, RequestGate } from '@supergraph/http';

type ManifestOperation = { id?: unknown; body?: unknown };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function normalise(query: string): string | undefined {
  try {
    return stripIgnoredCharacters(query);
  } catch {
    return undefined;
  }
}

function parses(body: string): boolean {
  try {
    parse(body);
    return true;
  } catch {
    return false;
  }
}

/**
 * The operations a safelisted router accepts, from an Apollo persisted query manifest
 * (`{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ id, body }] }`).
 * Clients may send a registered operation by its sha256 hash (APQ style) or as full text;
 * text that differs from a registered body only in whitespace, commas or comments also counts.
 */
export class Safelist {
  private readonly byHash = new Map<string, string>();
  private readonly normalisedBodies = new Set<string>();

  constructor(bodies: Iterable<string>) {
    for (const body of bodies) {
      this.byHash.set(sha256(body), body);
      const normalised = normalise(body);
      if (normalised) this.normalisedBodies.add(normalised);
    }
  }

  /** Reads a manifest; any problem stops start-up with one line naming `variable`. */
  static fromManifest(path: string, variable: string): Safelist {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ConfigError(
        `${variable}: cannot read ${path} as JSON (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const operations = (parsed as { operations?: unknown } | null)?.operations;
    if (!Array.isArray(operations)) {
      throw new ConfigError(`${variable}: ${path} has no "operations" array`);
    }
    const bodies = operations.map((operation: ManifestOperation, index) => {
      if (typeof operation.body !== 'string' || !parses(operation.body)) {
        throw new ConfigError(`${variable}: operation ${index} in ${path} has no valid "body"`);
      }
      return operation.body;
    });
    return new Safelist(bodies);
  }

  get size(): number {
    return this.byHash.size;
  }

  check(params: GraphQLParams): RequestGate {
    if (params.query !== undefined) {
      if (this.byHash.has(sha256(params.query))) return { ok: true };
      const normalised = normalise(params.query);
      if (normalised && this.normalisedBodies.has(normalised)) return { ok: true };
      return {
        ok: false,
        status: 400,
        code: 'QUERY_NOT_IN_SAFELIST',
        message: 'This server accepts only registered operations.',
      };
    }
    if (params.persistedQueryHash !== undefined && !this.byHash.has(params.persistedQueryHash)) {
      return {
        ok: false,
        status: 400,
        code: 'PERSISTED_QUERY_NOT_IN_LIST',
        message: 'No registered operation has this hash.',
      };
    }
    return { ok: true };
  }

  /** Serves registered operations by hash; registering new ones is not possible. */
  asCache() {
    return {
      // Apollo Server asks for `apq:<hash>`.
      get: async (key: string) => this.byHash.get(key.replace(/^apq:/, '')),
      set: async () => {},
      delete: async () => false,
    };
  }
}
