/**
 * Confirmation emails in the orders database: the delivery ledger and what each email shows.
 * A worker sends many emails at once; their claims, reads and records go to Postgres in
 * batches, a few statements for all the emails in flight rather than a few for each.
 */
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Claim, DeliveryLedger } from '@supergraph/mail';
import { Prisma, type OrderStatus, type PrismaClient } from '@supergraph/prisma/orders';

export type ConfirmationOrder = {
  id: string;
  customerId: string;
  status: OrderStatus;
  totalCents: number;
  currency: string;
  createdAt: Date;
};

export type ConfirmationLine = {
  name: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
};

/** What a confirmation email shows: the order and its lines, in the customer's order. */
export type ConfirmationContent = { order: ConfirmationOrder; lines: ConfirmationLine[] };

/** The column's size: a longer reason would fail the very update that records it. */
const MAX_ERROR_LENGTH = 1000;

/** How long requests wait to share a batch: short next to a send, long enough to gather. */
const BATCH_WINDOW_MS = 2;
const batchScheduleFn = (callback: () => void) => setTimeout(callback, BATCH_WINDOW_MS);

type ClaimRequest = { orderId: string; leaseMs: number };
type SentRequest = { orderId: string; token: string };

export class EmailDeliveries {
  private readonly claims: DataLoader<ClaimRequest, Claim>;
  private readonly sends: DataLoader<SentRequest, void>;
  private readonly contents: DataLoader<string, ConfirmationContent | null>;

  constructor(private readonly db: PrismaClient) {
    const options = { cache: false, batchScheduleFn, maxBatchSize: 500 };
    this.claims = new DataLoader((requests) => this.claimAll(requests), options);
    this.sends = new DataLoader(async (requests) => {
      await this.recordSent(requests);
      return requests.map(() => undefined);
    }, options);
    this.contents = new DataLoader((ids) => this.loadContents(ids), options);
  }

  /** The ledger of one order's confirmation email. */
  ledger(orderId: string): DeliveryLedger {
    return {
      claim: (leaseMs) => this.claims.load({ orderId, leaseMs }),
      sent: (token) => this.sends.load({ orderId, token }),
      failed: (token, error, final) => this.recordFailed(orderId, token, error, final),
    };
  }

  /** The order and its lines as they are now; null when there is no such order. */
  content(orderId: string): Promise<ConfirmationContent | null> {
    return this.contents.load(orderId);
  }

  private async claimAll(requests: readonly ClaimRequest[]): Promise<Claim[]> {
    // One claim per order and lease in a batch; a second request for the same order in the
    // same batch is, by definition, concurrent with the first, so it finds the email busy.
    const first = new Map<string, number>();
    requests.forEach((request, index) => {
      const key = `${request.orderId}\u0000${request.leaseMs}`;
      if (!first.has(key)) first.set(key, index);
    });
    const tokens = requests.map(() => randomUUID());
    const byLease = new Map<number, number[]>();
    for (const index of first.values()) {
      const lease = requests[index]!.leaseMs;
      byLease.set(lease, [...(byLease.get(lease) ?? []), index]);
    }
    const won = new Set<number>();
    for (const [leaseMs, indexes] of byLease) {
      // One statement per lease, so that two attempts can never both see a row free. The
      // lease runs on the database's clock, which every worker shares. A SENDING row without
      // a lease belongs to no attempt that could finish it, so it is free as well.
      const rows = await this.db.$queryRaw<Array<{ token: string }>>(Prisma.sql`
        UPDATE "orders"."email_deliveries" AS d
        SET status = 'SENDING'::"orders"."EmailStatus",
            attempts = d.attempts + 1,
            claim_token = r.token,
            claimed_until = now() + ${leaseMs}::float8 * interval '1 millisecond',
            updated_at = now()
        FROM unnest(${indexes.map((i) => requests[i]!.orderId)}::uuid[],
                    ${indexes.map((i) => tokens[i]!)}::uuid[]) AS r(order_id, token)
        WHERE d.order_id = r.order_id
          AND (d.status = 'QUEUED'::"orders"."EmailStatus"
               OR (d.status = 'SENDING'::"orders"."EmailStatus"
                   AND (d.claimed_until IS NULL OR d.claimed_until < now())))
        RETURNING r.token::text AS token`);
      const granted = new Set(rows.map((row) => row.token));
      for (const index of indexes) if (granted.has(tokens[index]!)) won.add(index);
    }
    const lost = requests.map((r, index) => (won.has(index) ? null : r.orderId));
    const states = await this.statesOf(lost.filter((id): id is string => id !== null));
    return requests.map((_, index) => {
      if (won.has(index)) return { kind: 'claimed', token: tokens[index]! };
      const state = states.get(requests[index]!.orderId.toLowerCase());
      // No row: the order is gone, and with it anyone to write to.
      if (!state || state.status === 'SENT' || state.status === 'FAILED')
        return { kind: 'finished' };
      // SENDING: another attempt holds it. QUEUED: its holder just let go; trying again at
      // once is the same as waiting a moment.
      return { kind: 'busy', until: state.claimedUntil ?? new Date() };
    });
  }

  private async statesOf(orderIds: string[]) {
    if (orderIds.length === 0)
      return new Map<string, { status: string; claimedUntil: Date | null }>();
    const rows = await this.db.emailDelivery.findMany({
      where: { orderId: { in: [...new Set(orderIds)] } },
      select: { orderId: true, status: true, claimedUntil: true },
    });
    return new Map(rows.map((row) => [row.orderId.toLowerCase(), row]));
  }

  /** Records sends, each only if its token still holds the claim. */
  private async recordSent(requests: readonly SentRequest[]): Promise<void> {
    await this.db.$executeRaw(Prisma.sql`
      UPDATE "orders"."email_deliveries" AS d
      SET status = 'SENT'::"orders"."EmailStatus",
          sent_at = now(),
          last_error = NULL,
          claim_token = NULL,
          claimed_until = NULL,
          updated_at = now()
      FROM unnest(${requests.map((r) => r.orderId)}::uuid[],
                  ${requests.map((r) => r.token)}::uuid[]) AS r(order_id, token)
      WHERE d.order_id = r.order_id AND d.claim_token = r.token`);
  }

  private async recordFailed(orderId: string, token: string, error: string, final: boolean) {
    await this.db.emailDelivery.updateMany({
      where: { orderId, claimToken: token },
      data: {
        status: final ? 'FAILED' : 'QUEUED',
        lastError: error.slice(0, MAX_ERROR_LENGTH),
        claimToken: null,
        claimedUntil: null,
      },
    });
  }

  /** Orders with their lines and products' names, one query for the whole batch. */
  private async loadContents(ids: readonly string[]): Promise<Array<ConfirmationContent | null>> {
    const rows = await this.db.$queryRaw<Array<ConfirmationOrder & { lines: ConfirmationLine[] }>>(
      Prisma.sql`
        SELECT o.id::text AS "id",
               o.customer_id::text AS "customerId",
               o.status::text AS "status",
               o.total_cents AS "totalCents",
               o.currency AS "currency",
               o.created_at AS "createdAt",
               COALESCE(
                 json_agg(
                   json_build_object(
                     'name', p.name,
                     'sku', p.sku,
                     'quantity', i.quantity,
                     'unitPriceCents', i.unit_price_cents
                   )
                   ORDER BY i.position
                 ) FILTER (WHERE i.id IS NOT NULL),
                 '[]'::json
               ) AS "lines"
        FROM "orders"."orders" o
        LEFT JOIN "orders"."order_items" i ON i.order_id = o.id
        LEFT JOIN "orders"."products" p ON p.id = i.product_id
        WHERE o.id = ANY(${[...new Set(ids)]}::uuid[])
        GROUP BY o.id`,
    );
    const byId = new Map(rows.map(({ lines, ...order }) => [order.id, { order, lines }]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }
}
