import type DataLoader from 'dataloader';
import { LoaderFamily, createGroupLoader, createRowLoader, type Page } from '@supergraph/common';
import { outbox } from '@supergraph/queues';
import {
  Prisma,
  type EmailDelivery,
  type Order as OrderRecord,
  type OrderItem,
  type OrderStatus,
  type PrismaClient,
} from '@supergraph/prisma/orders';
import type { OrderEventPublisher } from '../order-event-publisher.ts';
import { placeOrder, type OrderRequest, type PlacedOrder } from './place-order.ts';

export type { EmailDelivery, OrderItem, OrderStatus };

/**
 * An order as the graph reads it: the idempotency key and request fingerprint matter only
 * to placing an order, so reads leave them in Postgres.
 */
export type Order = Omit<OrderRecord, 'idempotencyKey' | 'requestHash'>;

const READ_OMIT = { idempotencyKey: true, requestHash: true } as const;

export type OrderFilter = { customerId?: string; status?: OrderStatus | null };

const CANCELLABLE: OrderStatus[] = ['PENDING', 'CONFIRMED'];

export class OrderRepository {
  /** Batches every by-id lookup in one request into a single query. */
  readonly byId: DataLoader<string, Order | null>;
  /** Each order's items in the customer's order, for every order of the request at once. */
  readonly itemsByOrderId: DataLoader<string, OrderItem[]>;
  readonly emailByOrderId: DataLoader<string, EmailDelivery | null>;
  private readonly customerPages = new LoaderFamily(
    ({ page, status }: { page: Page; status: OrderStatus | null }) =>
      createGroupLoader(
        (ids) => this.customerPageRows(ids, page, status),
        (row) => row.customerId,
      ),
  );

  constructor(
    private readonly db: PrismaClient,
    private readonly events: OrderEventPublisher,
  ) {
    this.byId = createRowLoader(
      (ids) => db.order.findMany({ where: { id: { in: ids } }, omit: READ_OMIT }),
      (row) => row.id,
    );
    this.itemsByOrderId = createGroupLoader(
      (ids) =>
        db.orderItem.findMany({
          where: { orderId: { in: ids } },
          orderBy: [{ orderId: 'asc' }, { position: 'asc' }],
        }),
      (row) => row.orderId,
    );
    this.emailByOrderId = createRowLoader(
      (ids) => db.emailDelivery.findMany({ where: { orderId: { in: ids } } }),
      (row) => row.orderId,
    );
  }

  /** Newest first (ids are UUIDv7), `first + 1` rows so that the caller can tell whether more exist. */
  list(page: Page, filter: OrderFilter): Promise<Order[]> {
    return this.db.order.findMany({
      where: {
        ...(filter.customerId ? { customerId: filter.customerId } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(page.afterId ? { id: { lt: page.afterId } } : {}),
      },
      orderBy: { id: 'desc' },
      take: page.first + 1,
      omit: READ_OMIT,
    });
  }

  /**
   * One page of orders for each of many customers, in a single query per request however many
   * users the router asks about. A page's arguments are part of the query, so each distinct
   * combination gets its own loader.
   */
  pageOfCustomer(page: Page, status: OrderStatus | null): DataLoader<string, Order[]> {
    return this.customerPages.for({ page, status });
  }

  private customerPageRows(
    ids: string[],
    page: Page,
    status: OrderStatus | null,
  ): Promise<Order[]> {
    // One customer, the usual case (`me { orders }`), is planned for that customer's id, so
    // Postgres walks (customer_id[, status], id DESC) and stops after a page. Inside the
    // lateral join below it must plan for an average customer, and for a customer with many
    // orders it reads them all, then sorts.
    if (ids.length === 1) return this.list(page, { customerId: ids[0]!, status });
    const after = page.afterId ? Prisma.sql`AND id < ${page.afterId}::uuid` : Prisma.empty;
    const withStatus = status
      ? Prisma.sql`AND status = ${status}::"orders"."OrderStatus"`
      : Prisma.empty;
    return this.db.$queryRaw<Order[]>(Prisma.sql`
      SELECT o.id::text AS "id",
             o.customer_id::text AS "customerId",
             o.status::text AS "status",
             o.version AS "version",
             o.total_cents AS "totalCents",
             o.currency AS "currency",
             o.created_at AS "createdAt",
             o.updated_at AS "updatedAt"
      FROM unnest(${ids}::uuid[]) AS u(id)
      CROSS JOIN LATERAL (
        SELECT * FROM "orders"."orders"
        WHERE customer_id = u.id ${after} ${withStatus}
        ORDER BY id DESC
        LIMIT ${page.first + 1}
      ) AS o
      ORDER BY o.customer_id, o.id DESC`);
  }

  /** Places an order, announcing it once written; a repeated idempotency key announces nothing. */
  async place(customerId: string, request: OrderRequest): Promise<PlacedOrder> {
    const { order, created } = await placeOrder(this.db, customerId, request);
    if (created) {
      await this.events.publish({
        orderId: order.id,
        customerId: order.customerId,
        version: order.version,
      });
    }
    this.byId.clear(order.id).prime(order.id, order);
    this.itemsByOrderId.clear(order.id).prime(order.id, order.items);
    this.emailByOrderId.clear(order.id).prime(order.id, order.email);
    return order;
  }

  /**
   * Cancels in one conditional update, so that a concurrent status change cannot be
   * overwritten, and records the event in the outbox in the same transaction: only a
   * cancellation that happened is announced, to the tasks service through the outbox and to
   * live subscribers once committed. Null when there is no such order.
   */
  async cancel(id: string): Promise<{ order: Order; cancelled: boolean } | null> {
    const cancelled = await this.db.$transaction(async (tx) => {
      const [order] = await tx.order.updateManyAndReturn({
        where: { id, status: { in: CANCELLABLE } },
        data: { status: 'CANCELLED', version: { increment: 1 } },
      });
      if (!order) return null;
      await tx.outboxMessage.createMany({
        data: [...outbox.orderCancelled(order.id, order.customerId)],
      });
      return order;
    });
    if (cancelled) {
      await this.events.publish({
        orderId: cancelled.id,
        customerId: cancelled.customerId,
        version: cancelled.version,
      });
    }
    const order = cancelled ?? (await this.db.order.findUnique({ where: { id }, omit: READ_OMIT }));
    if (!order) return null;
    this.byId.clear(id).prime(id, order);
    return { order, cancelled: cancelled !== null };
  }
}
