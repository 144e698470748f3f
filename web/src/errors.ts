/**
 * Reading the router's errors the way the pages need them: by `extensions.code`, and by the
 * path a partial answer's error sits on (a subgraph that is down nulls only its own fields).
 */
import type { CombinedError } from 'urql';

type ErrorLike = CombinedError | undefined | null;

export function hasCode(error: ErrorLike, code: string): boolean {
  return Boolean(error?.graphQLErrors.some((e) => e.extensions?.code === code));
}

/**
 * Whether the part of an answer at `path` failed: an error on that path or below it, or one
 * with no path at all, or no answer (a network failure).
 */
export function failedAt(error: ErrorLike, path: readonly (string | number)[]): boolean {
  if (!error) return false;
  if (error.networkError) return true;
  return error.graphQLErrors.some(
    (e) => !e.path || path.every((segment, i) => e.path![i] === segment),
  );
}

/** A sentence for a person, for an operation that failed as a whole. */
export function messageFor(
  error: ErrorLike,
  fallback = 'Something went wrong. Try again.',
): string {
  if (!error) return fallback;
  if (error.networkError)
    return 'The shop cannot be reached right now. Check your connection and try again.';
  const first = error.graphQLErrors[0];
  switch (first?.extensions?.code) {
    case 'BAD_USER_INPUT':
    case 'CONFLICT':
    case 'NOT_FOUND':
    case 'FORBIDDEN':
      return first.message;
    case 'SUBGRAPH_UNAVAILABLE':
      return 'This part of the shop is unavailable right now. Try again shortly.';
    case 'RATE_LIMITED':
      return 'Too many attempts. Wait a moment and try again.';
    default:
      return fallback;
  }
}
