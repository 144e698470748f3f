/**
 * Confirmation emails in the orders database: the delivery ledger and what each email shows.
 * A worker sends many emails at once; their reads go to Postgres in batches, a few statements
 * for all the emails in flight rather than a few for each, as the ledger's claims and records do.
 * Every change of an email's status moves its order's version on in the same statement, and is
 * announced once that statement has committed.
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
import type { OrderEvent, OrderEventPublisher } from '../order-event-publisher.ts';

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

/** A claim that won; its order's new version when the claim changed the email's status. */
type ClaimRow = {
  token: string;
  orderId: string | null;
  customerId: string | null;
  version: number | null;
};

/**
 * `changed`, a statement that changes deliveries' statuses and returns their `order_id`s, with
 * those orders' versions moved on by the same statement, so that both commit or neither does.
 */
function bumpingVersions(changed: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    WITH changed AS (${changed})
    UPDATE "orders"."orders" AS o
    SET version = o.version + 1, updated_at = now()
    FROM changed
    WHERE o.id = changed.order_id
    RETURNING o.id::text AS "orderId", o.customer_id::text AS "customerId", o.version AS "version"`;
}

/** The ledger table of confirmations, one row per order, and the orders they show. */
export class EmailDeliveries implements DeliveryTable<string> {
  private readonly ledgers: (orderId: string) => DeliveryLedger;
  private readonly contents: DataLoader<string, ConfirmationContent | null>;

  constructor(
    private readonly db: PrismaClient,
    private readonly events: OrderEventPublisher,
  ) {
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
    // attempt that could finish it, so it is free as well. Taking over a lapsed claim leaves
    // the status SENDING, so only a claim of a QUEUED row moves the order's version on;
    // RETURNING shows new values only, hence `before`, the row as the statement found it.
    const rows = await this.db.$queryRaw<Array<ClaimRow>>(
      Prisma.sql`
        WITH claimed AS (
          UPDATE "orders"."email_deliveries" AS d
          SET status = 'SENDING'::"orders"."EmailStatus",
              attempts = d.attempts + 1,
              claim_token = r.token,
              claimed_until = now() + ${leaseMs}::float8 * interval '1 millisecond',
              updated_at = now()
          FROM unnest(${attempts.map((a) => a.key)}::uuid[],
                      ${attempts.map((a) => a.token)}::uuid[]) AS r(order_id, token),
               "orders"."email_deliveries" AS before
          WHERE d.order_id = r.order_id
            AND before.order_id = d.order_id
            AND (d.status = 'QUEUED'::"orders"."EmailStatus"
                 OR (d.status = 'SENDING'::"orders"."EmailStatus"
                     AND (d.claimed_until IS NULL OR d.claimed_until < now())))
          RETURNING d.order_id, r.token, before.status <> d.status AS "statusChanged"
        ), bumped AS (
          UPDATE "orders"."orders" AS o
          SET version = o.version + 1, updated_at = now()
          FROM claimed
          WHERE o.id = claimed.order_id AND claimed."statusChanged"
          RETURNING o.id, o.customer_id, o.version
        )
        SELECT claimed.token::text AS token,
               bumped.id::text AS "orderId",
               bumped.customer_id::text AS "customerId",
               bumped.version AS "version"
        FROM claimed
        LEFT JOIN bumped ON bumped.id = claimed.order_id`,
    );
    await this.announce(
      rows.flatMap(({ orderId, customerId, version }) =>
        orderId !== null && customerId !== null && version !== null
          ? [{ orderId, customerId, version }]
          : [],
      ),
    );
    return rows.map((row) => row.token);
  }

  async states(orderIds: string[]): Promise<Map<string, DeliveryState>> {
    const rows = await this.db.emailDelivery.findMany({
      where: { orderId: { in: [...new Set(orderIds)] } },
      select: { orderId: true, status: true, claimedUntil: true },
    });
    return new Map(rows.map(({ orderId, ...state }) => [orderId.toLowerCase(), state]));
  }

  async renew({ key, token }: Attempt<string>, leaseMs: number): Promise<boolean> {
    // The status stays SENDING: nothing a reader of the order sees changes.
    const renewed = await this.db.$executeRaw`
      UPDATE "orders"."email_deliveries"
      SET claimed_until = now() + ${leaseMs}::float8 * interval '1 millisecond'
      WHERE order_id = ${key}::uuid AND claim_token = ${token}::uuid
        AND status = 'SENDING'::"orders"."EmailStatus"`;
    return renewed > 0;
  }

  async markSent(attempts: Array<Attempt<string>>): Promise<void> {
    // A token is held only while SENDING, so every row recorded here changes status.
    const events = await this.db.$queryRaw<OrderEvent[]>(
      bumpingVersions(Prisma.sql`
        UPDATE "orders"."email_deliveries" AS d
        SET status = 'SENT'::"orders"."EmailStatus",
            sent_at = now(),
            last_error = NULL,
            claim_token = NULL,
            claimed_until = NULL,
            updated_at = now()
        FROM unnest(${attempts.map((a) => a.key)}::uuid[],
                    ${attempts.map((a) => a.token)}::uuid[]) AS r(order_id, token)
        WHERE d.order_id = r.order_id AND d.claim_token = r.token
        RETURNING d.order_id`),
    );
    await this.announce(events);
  }

  async markFailed({ key, token }: Attempt<string>, error: string, final: boolean) {
    // From SENDING, as above, to FAILED or back to QUEUED: a change of status either way.
    const events = await this.db.$queryRaw<OrderEvent[]>(
      bumpingVersions(Prisma.sql`
        UPDATE "orders"."email_deliveries"
        SET status = ${final ? 'FAILED' : 'QUEUED'}::"orders"."EmailStatus",
            last_error = ${error},
            claim_token = NULL,
            claimed_until = NULL,
            updated_at = now()
        WHERE order_id = ${key}::uuid AND claim_token = ${token}::uuid
        RETURNING order_id`),
    );
    await this.announce(events);
  }

  /** Announces the orders whose versions a committed statement moved on. */
  private async announce(events: OrderEvent[]): Promise<void> {
    await Promise.all(events.map((event) => this.events.publish(event)));
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
