import { createHash } from 'node:crypto';
import { badUserInput, conflict, uuid7 } from '@supergraph/common';
import { outbox } from '@supergraph/queues';
import {
  Prisma,
  type EmailDelivery,
  type Order,
  type OrderItem,
  type PrismaClient,
  type Product,
} from '@supergraph/prisma/orders';

export type OrderLine = { productId: string; quantity: number };
/** A request that has passed validation: ids lower-cased, no duplicates, sizes in range. */
export type OrderRequest = { items: OrderLine[]; idempotencyKey: string | null };
export type PlacedOrder = Order & { items: OrderItem[]; email: EmailDelivery | null };
/** The order, and whether this call made it: false when an idempotency key found it. */
export type Placement = { order: PlacedOrder; created: boolean };

/** A new order's version; each later change of its status or its email's adds one. */
const FIRST_VERSION = 1;

/** Order totals are exposed as a GraphQL Int, which is a signed 32-bit integer. */
const MAX_TOTAL_CENTS = 2_147_483_647;

const DETAILS = {
  items: { orderBy: { position: 'asc' } },
  email: true,
} satisfies Prisma.OrderInclude;

type Tx = Prisma.TransactionClient | PrismaClient;

/** A unique index refused the row: P2002 from a model query, SQLSTATE 23505 from raw SQL. */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002') return true;
  const meta = error.meta as
    { code?: unknown; driverAdapterError?: { cause?: { kind?: unknown } } } | undefined;
  return (
    meta?.code === '23505' ||
    meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation' ||
    /23505|unique constraint/i.test(error.message)
  );
}

/**
 * Fingerprints what was ordered, independent of the order the items were listed in, so that a
 * retry of the same request matches while a reused key with other items does not.
 */
export function requestHash(items: readonly OrderLine[]): string {
  const normalised = [...items]
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .map((item) => [item.productId, item.quantity]);
  return createHash('sha256').update(JSON.stringify(normalised)).digest('hex');
}

function findByKey(db: Tx, customerId: string, idempotencyKey: string | null) {
  if (idempotencyKey === null) return null;
  return db.order.findUnique({
    where: { customerId_idempotencyKey: { customerId, idempotencyKey } },
    include: DETAILS,
  });
}

function replay(existing: PlacedOrder, hash: string): PlacedOrder {
  if (existing.requestHash !== hash) {
    throw conflict('This idempotencyKey was already used for an order with different items.');
  }
  return existing;
}

type PricedLine = OrderLine & { unitPriceCents: number };

/** Prices each line from the catalogue; the client never supplies a price. */
function price(items: readonly OrderLine[], products: readonly Product[]) {
  const catalogue = new Map(products.map((p) => [p.id.toLowerCase(), p]));
  let currency: string | null = null;
  let totalCents = 0;
  const lines: PricedLine[] = items.map((item, index) => {
    const field = `input.items[${index}].productId`;
    const product = catalogue.get(item.productId);
    if (!product) throw badUserInput(field, 'no such product.');
    currency ??= product.currency;
    if (product.currency !== currency) {
      throw badUserInput(
        field,
        `is priced in ${product.currency}, but the order is in ${currency}; an order has one currency.`,
      );
    }
    totalCents += product.priceCents * item.quantity;
    return { ...item, unitPriceCents: product.priceCents };
  });
  if (totalCents > MAX_TOTAL_CENTS) {
    throw badUserInput('input.items', `the total must not exceed ${MAX_TOTAL_CENTS} cents.`);
  }
  return { lines, totalCents, currency: currency ?? '' };
}

type NewOrder = {
  customerId: string;
  hash: string;
  idempotencyKey: string | null;
  lines: PricedLine[];
  totalCents: number;
  currency: string;
};

/**
 * Writes the order, its items, its email ledger row and its outbox messages in ONE statement:
 * atomic without a transaction held open across round trips, so a committed order always
 * has its jobs and a failed one has none. Ids are made here, so that nothing is read back.
 */
async function insertOrder(db: PrismaClient, order: NewOrder): Promise<PlacedOrder> {
  const id = uuid7();
  const itemIds = order.lines.map(() => uuid7());
  const messages = outbox.orderPlaced(id, order.customerId);
  const [row] = await db.$queryRaw<Array<{ createdAt: Date; updatedAt: Date }>>(Prisma.sql`
    WITH o AS (
      INSERT INTO "orders"."orders"
        (id, customer_id, status, version, total_cents, currency, idempotency_key,
         request_hash, created_at, updated_at)
      VALUES (${id}::uuid, ${order.customerId}::uuid, 'PENDING'::"orders"."OrderStatus",
              ${FIRST_VERSION}::int, ${order.totalCents}::int, ${order.currency},
              ${order.idempotencyKey}, ${order.hash}, now(), now())
      RETURNING created_at, updated_at
    ), i AS (
      INSERT INTO "orders"."order_items"
        (id, order_id, product_id, position, quantity, unit_price_cents)
      SELECT item.id, ${id}::uuid, item.product_id, item.position - 1, item.quantity,
             item.unit_price_cents
      FROM unnest(${itemIds}::uuid[],
                  ${order.lines.map((l) => l.productId)}::uuid[],
                  ${order.lines.map((l) => l.quantity)}::int[],
                  ${order.lines.map((l) => l.unitPriceCents)}::int[])
           WITH ORDINALITY AS item(id, product_id, quantity, unit_price_cents, position)
    ), e AS (
      INSERT INTO "orders"."email_deliveries" (order_id, status, attempts, updated_at)
      VALUES (${id}::uuid, 'QUEUED'::"orders"."EmailStatus", 0, now())
    ), x AS (
      INSERT INTO "orders"."outbox" (id, queue, action, job_name, job_id, payload)
      SELECT m.id, m.queue, m.action::"orders"."OutboxAction", m.job_name, m.job_id, m.payload
      FROM unnest(${messages.map(() => uuid7())}::uuid[],
                  ${messages.map((m) => m.queue)}::text[],
                  ${messages.map((m) => m.action)}::text[],
                  ${messages.map((m) => m.jobName)}::text[],
                  ${messages.map((m) => m.jobId)}::text[],
                  ${messages.map((m) => JSON.stringify(m.payload))}::jsonb[])
           AS m(id, queue, action, job_name, job_id, payload)
    )
    SELECT created_at AS "createdAt", updated_at AS "updatedAt" FROM o`);
  const { createdAt, updatedAt } = row!;
  return {
    id,
    customerId: order.customerId,
    status: 'PENDING',
    version: FIRST_VERSION,
    totalCents: order.totalCents,
    currency: order.currency,
    idempotencyKey: order.idempotencyKey,
    requestHash: order.hash,
    createdAt,
    updatedAt,
    items: order.lines.map((line, position) => ({
      id: itemIds[position]!,
      orderId: id,
      productId: line.productId,
      position,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
    })),
    email: {
      orderId: id,
      status: 'QUEUED',
      attempts: 0,
      lastError: null,
      sentAt: null,
      claimToken: null,
      claimedUntil: null,
      updatedAt,
    },
  };
}

/**
 * Places an order: prices it from the catalogue, then writes it in one statement. A repeated
 * idempotency key returns the first order; a concurrent request with the same key loses the
 * race on the unique index and then answers with the winner's order, as a retry would.
 */
export async function placeOrder(
  db: PrismaClient,
  customerId: string,
  request: OrderRequest,
): Promise<Placement> {
  const hash = requestHash(request.items);
  const existing = await findByKey(db, customerId, request.idempotencyKey);
  if (existing) return { order: replay(existing, hash), created: false };
  const products = await db.product.findMany({
    where: { id: { in: request.items.map((item) => item.productId) } },
  });
  const { lines, totalCents, currency } = price(request.items, products);
  try {
    const order = await insertOrder(db, {
      customerId,
      hash,
      idempotencyKey: request.idempotencyKey,
      lines,
      totalCents,
      currency,
    });
    return { order, created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findByKey(db, customerId, request.idempotencyKey);
    if (!winner) throw error;
    return { order: replay(winner, hash), created: false };
  }
}
