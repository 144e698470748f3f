/**
 * Confirmation emails in the orders database: the delivery ledger and what each email shows.
 * A worker sends many emails at once; their reads go to Postgres in batches, a few statements
 * for all the emails in flight rather than a few for each, as the ledger's claims and records do.
 */
import DataLoader from 'dataloader';
import {
  createDeliveryLedgers,
  type Attempt,
  type DeliveryLedger,
  type DeliveryState,
  type DeliveryTable,
} from '@supergraph/email-jobs';
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

/** How long reads wait to share a batch: short next to a send, long enough to gather. */
const BATCH_WINDOW_MS = 2;
const batchScheduleFn = (callback: () => void) => setTimeout(callback, BATCH_WINDOW_MS);

/** The ledger table of confirmations, one row per order, and the orders they show. */
export class EmailDeliveries implements DeliveryTable<string> {
  private readonly ledgers: (orderId: string) => DeliveryLedger;
  private readonly contents: DataLoader<string, ConfirmationContent | null>;

  constructor(private readonly db: PrismaClient) {
    this.ledgers = createDeliveryLedgers(this);
    this.contents = new DataLoader((ids) => this.loadContents(ids), {
      cache: false,
      batchScheduleFn,
      maxBatchSize: 500,
    });
  }

  /** The ledger of one order's confirmation email. */
  ledger(orderId: string): DeliveryLedger {
    return this.ledgers(orderId);
  }

  /** The order and its lines as they are now; null when there is no such order. */
  content(orderId: string): Promise<ConfirmationContent | null> {
    return this.contents.load(orderId);
  }

  id(orderId: string): string {
    return orderId.toLowerCase();
  }

  async claim(attempts: Array<Attempt<string>>, leaseMs: number): Promise<string[]> {
    // The row is created QUEUED with the order. A SENDING row without a lease belongs to no
    // attempt that could finish it, so it is free as well.
    const rows = await this.db.$queryRaw<Array<{ token: string }>>(Prisma.sql`
      UPDATE "orders"."email_deliveries" AS d
      SET status = 'SENDING'::"orders"."EmailStatus",
          attempts = d.attempts + 1,
          claim_token = r.token,
          claimed_until = now() + ${leaseMs}::float8 * interval '1 millisecond',
          updated_at = now()
      FROM unnest(${attempts.map((a) => a.key)}::uuid[],
                  ${attempts.map((a) => a.token)}::uuid[]) AS r(order_id, token)
      WHERE d.order_id = r.order_id
        AND (d.status = 'QUEUED'::"orders"."EmailStatus"
             OR (d.status = 'SENDING'::"orders"."EmailStatus"
                 AND (d.claimed_until IS NULL OR d.claimed_until < now())))
      RETURNING r.token::text AS token`);
    return rows.map((row) => row.token);
  }

  async states(orderIds: string[]): Promise<Map<string, DeliveryState>> {
    const rows = await this.db.emailDelivery.findMany({
      where: { orderId: { in: [...new Set(orderIds)] } },
      select: { orderId: true, status: true, claimedUntil: true },
    });
    return new Map(rows.map(({ orderId, ...state }) => [orderId.toLowerCase(), state]));
  }

  async markSent(attempts: Array<Attempt<string>>): Promise<void> {
    await this.db.$executeRaw(Prisma.sql`
      UPDATE "orders"."email_deliveries" AS d
      SET status = 'SENT'::"orders"."EmailStatus",
          sent_at = now(),
          last_error = NULL,
          claim_token = NULL,
          claimed_until = NULL,
          updated_at = now()
      FROM unnest(${attempts.map((a) => a.key)}::uuid[],
                  ${attempts.map((a) => a.token)}::uuid[]) AS r(order_id, token)
      WHERE d.order_id = r.order_id AND d.claim_token = r.token`);
  }

  async markFailed({ key, token }: Attempt<string>, error: string, final: boolean) {
    await this.db.emailDelivery.updateMany({
      where: { orderId: key, claimToken: token },
      data: {
        status: final ? 'FAILED' : 'QUEUED',
        lastError: error,
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
