import { GraphQLError } from 'graphql';

/** The codes a client can rely on, as listed in the product's contract. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Codes whose errors reach clients as they are. INTERNAL_SERVER_ERROR is not one of them:
 * Apollo gives that code to every error thrown without one, so its message is never shown.
 */
export const PUBLIC_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
  // Apollo's own codes for malformed operations are safe to show as they are.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  // Refusals of hostile or abusive requests; each names the limit that was reached.
  'RATE_LIMITED',
  'QUOTA_EXCEEDED',
  'PERSISTED_QUERY_REGISTRATION_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_ALLOWED',
  'CSRF_PREVENTED',
  'MAX_DEPTH_LIMIT',
  'MAX_ALIASES_LIMIT',
  'MAX_ROOT_FIELDS_LIMIT',
  'MAX_FIELDS_LIMIT',
  'MAX_DIRECTIVES_LIMIT',
  'MAX_TOKENS_LIMIT',
  'COST_ESTIMATED_TOO_EXPENSIVE',
  'INTROSPECTION_DISABLED',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'QUERY_NOT_IN_SAFELIST',
  // A subgraph that cannot answer right now; the rest of the operation still comes back.
  'SUBGRAPH_UNAVAILABLE',
]);

export function unauthenticated(message = 'Sign in to do this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

export function forbidden(message = 'You are not allowed to do this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

/** A bad argument; `field` is the input path the client has to fix, e.g. `input.email`. */
export function badUserInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, field },
  });
}

export function notFound(what: string, id: string): GraphQLError {
  return new GraphQLError(`${what} ${id} was not found.`, {
    extensions: { code: ErrorCode.NOT_FOUND },
  });
}

export function conflict(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT } });
}

/**
 * Too many attempts; the client may try again after `retryAfterSeconds`. Carries HTTP 429 and
 * Retry-After for servers that answer with the error's own status.
 */
export function rateLimited(retryAfterSeconds: number, message?: string): GraphQLError {
  return new GraphQLError(message ?? `Too many requests; try again in ${retryAfterSeconds} s.`, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
  });
}

/**
 * An account has as much of something as it may keep (`quota` names which, `limit` how many);
 * unlike RATE_LIMITED, waiting does not help: the account must first finish or remove some.
 */
export function quotaExceeded(quota: string, limit: number, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUOTA_EXCEEDED', quota, limit } });
}
