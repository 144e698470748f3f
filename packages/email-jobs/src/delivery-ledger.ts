import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';

export type Claim =
  /** This attempt may send; `token` fences its later updates. */
  | { kind: 'claimed'; token: string }
  /** Already sent or failed for good: nothing to do. */
  | { kind: 'finished' }
  /** Another attempt holds the send until `until`. */
  | { kind: 'busy'; until: Date };

/** The record, in the owning service's database, of one email's delivery. */
export interface DeliveryLedger {
  /**
   * Claims the send for `leaseMs`, counting an attempt: only when nothing was sent yet and no
   * other attempt holds a live claim.
   */
  claim(leaseMs: number): Promise<Claim>;
  /** Extends the claim to `leaseMs` from now, if `token` still holds it; false if not. */
  renew(token: string, leaseMs: number): Promise<boolean>;
  /** Records the send, if `token` still holds the claim. */
  sent(token: string): Promise<void>;
  /** Records a failed attempt: final ones end as FAILED, others free the claim for a retry. */
  failed(token: string, error: string, final: boolean): Promise<void>;
}

/** Where one email stands: SENT and FAILED are final, anything else may still be sent. */
export type DeliveryState = { status: string; claimedUntil: Date | null };

/** One attempt at one email, fenced by its token. */
export type Attempt<Key> = { key: Key; token: string };

/**
 * A service's own table of deliveries of one kind of email, keyed by `Key`. Its times come
 * from the database's clock alone, so that workers with skewed clocks agree on when a claim
 * has lapsed.
 */
export interface DeliveryTable<Key> {
  /** Names one email: two keys with the same id are the same email. */
  id(key: Key): string;
  /**
   * Claims for `leaseMs`, counting an attempt, each email of `attempts` that nothing was sent
   * for and no live claim holds, in one statement, so that two attempts can never both see a
   * row free. Returns the tokens that won.
   */
  claim(attempts: Array<Attempt<Key>>, leaseMs: number): Promise<string[]>;
  /** The state of each email that has a row, by `id`. */
  states(keys: Key[]): Promise<Map<string, DeliveryState>>;
  /** Extends one claim to `leaseMs` from now, if its token still holds it; false if not. */
  renew(attempt: Attempt<Key>, leaseMs: number): Promise<boolean>;
  /** Records sends, each only if its token still holds the claim. */
  markSent(attempts: Array<Attempt<Key>>): Promise<void>;
  /**
   * Records a failure, if the token still holds the claim: final ones end as FAILED, others
   * free the claim at once, because the retry is the job's own, scheduled by its backoff.
   */
  markFailed(attempt: Attempt<Key>, error: string, final: boolean): Promise<void>;
}

/** The ledgers' error column's size: a longer reason would fail the very update recording it. */
const MAX_ERROR_LENGTH = 1000;

/** How long requests wait to share a batch: short next to a send, long enough to gather. */
const BATCH_WINDOW_MS = 2;
const batchScheduleFn = (callback: () => void) => setTimeout(callback, BATCH_WINDOW_MS);

type ClaimRequest<Key> = { key: Key; leaseMs: number };

async function claimAll<Key>(
  table: DeliveryTable<Key>,
  requests: readonly ClaimRequest<Key>[],
): Promise<Claim[]> {
  // One claim per email and lease in a batch; a second request for the same email in the
  // same batch is, by definition, concurrent with the first, so it finds the email busy.
  const first = new Map<string, number>();
  requests.forEach((request, index) => {
    const id = `${table.id(request.key)}\u0000${request.leaseMs}`;
    if (!first.has(id)) first.set(id, index);
  });
  const tokens = requests.map(() => randomUUID());
  const byLease = new Map<number, number[]>();
  for (const index of first.values()) {
    const lease = requests[index]!.leaseMs;
    byLease.set(lease, [...(byLease.get(lease) ?? []), index]);
  }
  const won = new Set<number>();
  for (const [leaseMs, indexes] of byLease) {
    const attempts = indexes.map((i) => ({ key: requests[i]!.key, token: tokens[i]! }));
    const granted = new Set(await table.claim(attempts, leaseMs));
    for (const index of indexes) if (granted.has(tokens[index]!)) won.add(index);
  }
  const lost = requests.filter((_, index) => !won.has(index)).map((request) => request.key);
  const states = lost.length > 0 ? await table.states(lost) : new Map<string, DeliveryState>();
  return requests.map((request, index) => {
    if (won.has(index)) return { kind: 'claimed', token: tokens[index]! };
    const state = states.get(table.id(request.key));
    // No row: what the email was about is gone, and with it any reason to send.
    if (!state || state.status === 'SENT' || state.status === 'FAILED') {
      return { kind: 'finished' };
    }
    // Held by another attempt, or let go between the two statements: trying again when the
    // claim lapses, or at once, is the same as waiting a moment.
    return { kind: 'busy', until: state.claimedUntil ?? new Date() };
  });
}

/**
 * The ledgers of one kind of email over its service's table. A worker sends many emails at
 * once; their claims and records go to the database in batches, a few statements for all the
 * emails in flight rather than a few for each.
 */
export function createDeliveryLedgers<Key>(
  table: DeliveryTable<Key>,
): (key: Key) => DeliveryLedger {
  const options = { cache: false, batchScheduleFn, maxBatchSize: 500 };
  const claims = new DataLoader<ClaimRequest<Key>, Claim>(
    (requests) => claimAll(table, requests),
    options,
  );
  const sends = new DataLoader<Attempt<Key>, void>(async (attempts) => {
    await table.markSent([...attempts]);
    return attempts.map(() => undefined);
  }, options);
  return (key) => ({
    claim: (leaseMs) => claims.load({ key, leaseMs }),
    renew: (token, leaseMs) => table.renew({ key, token }, leaseMs),
    sent: (token) => sends.load({ key, token }),
    failed: (token, error, final) =>
      table.markFailed({ key, token }, error.slice(0, MAX_ERROR_LENGTH), final),
  });
}
