import { createHash } from 'node:crypto';
import { badUserInput, conflict } from '@supergraph/common';
import { outbox } from '@supergraph/queues';
import {
  Prisma,
  type EmailDelivery,
  type Order,
  type OrderItem,
  type PrismaClient,
  type Product,
} from '@supergraph/prisma/orders';
import { outboxData } from './outbox-repository.ts';

export type OrderLine = { productId: string; quantity: number };
/** A request that has passed validation: ids lower-cased, no duplicates, sizes in range. */
export type OrderRequest = { items: OrderLine[]; idempotencyKey: string | null };
export type PlacedOrder = Order & { items: OrderItem[]; email: EmailDelivery | null };

/** Order totals are exposed as a GraphQL Int, which is a signed 32-bit integer. */
const MAX_TOTAL_CENTS = 2_147_483_647;

const DETAILS = {
  items: { orderBy: { position: 'asc' } },
  email: true,
} satisfies Prisma.OrderInclude;

type Tx = Prisma.TransactionClient | PrismaClient;

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
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

/**
 * Places an order, and the jobs it starts, in one transaction. A concurrent request with the
 * same idempotency key loses the race on the unique index; it then answers with the winner's
 * order, as a retry would.
 */
export async function placeOrder(
  db: PrismaClient,
  customerId: string,
  request: OrderRequest,
): Promise<PlacedOrder> {
  const hash = requestHash(request.items);
  try {
    return await db.$transaction(async (tx) => {
      const existing = await findByKey(tx, customerId, request.idempotencyKey);
      if (existing) return replay(existing, hash);
      const products = await tx.product.findMany({
        where: { id: { in: request.items.map((item) => item.productId) } },
      });
      const { lines, totalCents, currency } = price(request.items, products);
      const order = await tx.order.create({
        data: {
          customerId,
          status: 'PENDING',
          totalCents,
          currency,
          idempotencyKey: request.idempotencyKey,
          requestHash: hash,
          items: {
            create: lines.map((line, position) => ({
              productId: line.productId,
              position,
              quantity: line.quantity,
              unitPriceCents: line.unitPriceCents,
            })),
          },
          email: { create: { status: 'QUEUED' } },
        },
        include: DETAILS,
      });
      // Written with the order, so that a committed order always gets its jobs and a rolled
      // back one never does; a replay above returns before this and adds none.
      await tx.outboxMessage.createMany({
        data: outboxData(outbox.orderPlaced(order.id, customerId)),
      });
      return order;
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await findByKey(db, customerId, request.idempotencyKey);
    if (!existing) throw error;
    return replay(existing, hash);
  }
}
