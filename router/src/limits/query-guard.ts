import { GraphQLError, Lexer, Source, TokenKind, parse } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { RequestGate } from '@supergraph/http';
import { measureDocument, type OperationShape } from './measure-operation.ts';
import { LimitCode, type OperationLimits } from './operation-limits.ts';

const ALLOW: RequestGate = { ok: true };

/** Each shape measure, the limit it is held to, and how a refusal names it. */
const CHECKS: ReadonlyArray<{
  measure: keyof OperationShape;
  limit: keyof OperationLimits;
  what: string;
}> = [
  { measure: 'depth', limit: 'maxDepth', what: 'levels of nested fields' },
  { measure: 'aliases', limit: 'maxAliases', what: 'aliases' },
  { measure: 'rootFields', limit: 'maxRootFields', what: 'root fields' },
  { measure: 'fields', limit: 'maxFields', what: 'fields with its fragments expanded' },
  { measure: 'directives', limit: 'maxDirectives', what: 'directives' },
];

function refusal(code: string, message: string): RequestGate {
  return { ok: false, status: 400, code, message };
}

/** Tokens up to `max + 1`; a document the lexer rejects is left to the parser to report. */
function countTokens(query: string, max: number): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > max) break;
    }
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
  }
  return count;
}

/**
 * Checks the shape of a query's text before Apollo parses and validates it. Validation is
 * quadratic in the worst case (hundreds of fields under one response name), so an operation
 * over a limit must be refused before it gets that far. Verdicts are cached by the exact text,
 * so a client repeating an operation pays for one lookup.
 */
export function createQueryGuard(limits: OperationLimits, cacheSize = 2000) {
  // Long texts are judged every time, so that the cache's memory stays bounded.
  const cacheableLength = 20_000;
  const verdicts = new LRUCache<string, RequestGate>({ max: cacheSize });

  function judge(query: string): RequestGate {
    if (countTokens(query, limits.maxTokens) > limits.maxTokens) {
      return refusal(LimitCode.tokens, `The document has more than ${limits.maxTokens} tokens.`);
    }
    let shape;
    try {
      shape = measureDocument(parse(query, { noLocation: true }));
    } catch (error) {
      if (error instanceof RangeError) {
        return refusal(LimitCode.depth, 'The document is nested too deeply to parse.');
      }
      // A syntax error: Apollo reports it with its location.
      return ALLOW;
    }
    for (const check of CHECKS) {
      const measured = shape[check.measure];
      const allowed = limits[check.limit];
      if (measured > allowed) {
        return refusal(
          LimitCode[check.measure],
          `The operation has ${measured} ${check.what}; at most ${allowed} are allowed.`,
        );
      }
    }
    return ALLOW;
  }

  return {
    check(query: string): RequestGate {
      if (query.length > cacheableLength) return judge(query);
      let verdict = verdicts.get(query);
      if (!verdict) {
        verdict = judge(query);
        verdicts.set(query, verdict);
      }
      return verdict;
    },
  };
}
