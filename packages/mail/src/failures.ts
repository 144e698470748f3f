/**
 * Whether an SMTP failure is final. A 5xx reply means the server refuses this message for
 * good (unknown mailbox, policy); trying again would only repeat the refusal. Everything else
 * (4xx, a refused connection, a timeout) may pass on a later attempt.
 */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** What the ledger and the graph show about a failed attempt: short, and without a stack. */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 500);
}

/** A failure that no retry can fix, other than an SMTP refusal: a recipient that is gone. */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}
