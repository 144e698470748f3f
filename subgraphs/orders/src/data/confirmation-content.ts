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

type Row = ConfirmationOrder & { lines: ConfirmationLine[] };

/**
 * Reads an order with its lines and their products' names in one query (Prisma's include
 * would take three), as they are when the email is sent. Null when there is no such order.
 */
export async function loadConfirmationContent(
  db: PrismaClient,
  orderId: string,
): Promise<ConfirmationContent | null> {
  const [row] = await db.$queryRaw<Row[]>(Prisma.sql`
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
    WHERE o.id = ${orderId}::uuid
    GROUP BY o.id`);
  if (!row) return null;
  const { lines, ...order } = row;
  return { order, lines };
}
