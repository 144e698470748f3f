import DataLoader from 'dataloader';
import { isUuid, type Page } from '@supergraph/common';
import {
  Prisma,
  type EmailDelivery,
  type Order,
  type OrderItem,
  type OrderStatus,
  type PrismaClient,
} from '@supergraph/prisma/orders';
import { placeOrder, type OrderRequest, type PlacedOrder } from './place-order.ts';

export type { EmailDelivery, Order, OrderItem, OrderStatus };

export type OrderFilter = { customerId?: string; status?: OrderStatus | null };

const CANCELLABLE: OrderStatus[] = ['PENDING', 'CONFIRMED'];

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row).toLowerCase();
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** Entity representations are untrusted: anything that is not a UUID cannot match a row. */
function uuidsOf(ids: readonly string[]): string[] {
  return [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
}

export class OrderRepository {
  /** Batches every by-id lookup in one request into a single query. */
  readonly byId: DataLoader<string, Order | null>;
  /** Each order's items in the customer's order, for every order of the request at once. */
  readonly itemsByOrderId: DataLoader<string, OrderItem[]>;
  readonly emailByOrderId: DataLoader<string, EmailDelivery | null>;
  private readonly customerPages = new Map<string, DataLoader<string, Order[]>>();

  constructor(private readonly db: PrismaClient) {
    this.byId = new DataLoader(async (ids) => {
      const valid = uuidsOf(ids);
      const rows = valid.length ? await db.order.findMany({ where: { id: { in: valid } } }) : [];
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id.toLowerCase()) ?? null);
    });
    this.itemsByOrderId = new DataLoader(async (ids) => {
      const valid = uuidsOf(ids);
      const rows = valid.length
        ? await db.orderItem.findMany({
            where: { orderId: { in: valid } },
            orderBy: [{ orderId: 'asc' }, { position: 'asc' }],
          })
        : [];
      const groups = groupBy(rows, (row) => row.orderId);
      return ids.map((id) => groups.get(id.toLowerCase()) ?? []);
    });
    this.emailByOrderId = new DataLoader(async (ids) => {
      const valid = uuidsOf(ids);
      const rows = valid.length
        ? await db.emailDelivery.findMany({ where: { orderId: { in: valid } } })
        : [];
      const found = new Map(rows.map((row) => [row.orderId, row]));
      return ids.map((id) => found.get(id.toLowerCase()) ?? null);
    });
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
    });
  }

  /**
   * One page of orders for each of many customers, in a single query per request however many
   * users the router asks about. A page's arguments are part of the query, so each distinct
   * combination gets its own loader.
   */
  pageOfCustomer(page: Page, status: OrderStatus | null): DataLoader<string, Order[]> {
    const key = JSON.stringify([page.first, page.afterId, status]);
    let loader = this.customerPages.get(key);
    if (!loader) {
      loader = new DataLoader((ids) => this.loadCustomerPages(ids, page, status));
      this.customerPages.set(key, loader);
    }
    return loader;
  }

  private async loadCustomerPages(
    ids: readonly string[],
    page: Page,
    status: OrderStatus | null,
  ): Promise<Order[][]> {
    const valid = uuidsOf(ids);
    if (!valid.length) return ids.map(() => []);
    const after = page.afterId ? Prisma.sql`AND id < ${page.afterId}::uuid` : Prisma.empty;
    const withStatus = status
      ? Prisma.sql`AND status = ${status}::"orders"."OrderStatus"`
      : Prisma.empty;
    const rows = await this.db.$queryRaw<Order[]>(Prisma.sql`
      SELECT o.id::text AS "id",
             o.customer_id::text AS "customerId",
             o.status::text AS "status",
             o.total_cents AS "totalCents",
             o.currency AS "currency",
             o.idempotency_key AS "idempotencyKey",
             o.request_hash AS "requestHash",
             o.created_at AS "createdAt",
             o.updated_at AS "updatedAt"
      FROM unnest(${valid}::uuid[]) AS u(id)
      CROSS JOIN LATERAL (
        SELECT * FROM "orders"."orders"
        WHERE customer_id = u.id ${after} ${withStatus}
        ORDER BY id DESC
        LIMIT ${page.first + 1}
      ) AS o
      ORDER BY o.customer_id, o.id DESC`);
    const groups = groupBy(rows, (row) => row.customerId);
    return ids.map((id) => groups.get(id.toLowerCase()) ?? []);
  }

  async place(customerId: string, request: OrderRequest): Promise<PlacedOrder> {
    const order = await placeOrder(this.db, customerId, request);
    this.byId.clear(order.id).prime(order.id, order);
    this.itemsByOrderId.clear(order.id).prime(order.id, order.items);
    this.emailByOrderId.clear(order.id).prime(order.id, order.email);
    return order;
  }

  /**
   * Cancels in one conditional update, so that a concurrent status change cannot be
   * overwritten. Null when there is no such order.
   */
  async cancel(id: string): Promise<{ order: Order; cancelled: boolean } | null> {
    const { count } = await this.db.order.updateMany({
      where: { id, status: { in: CANCELLABLE } },
      data: { status: 'CANCELLED' },
    });
    const order = await this.db.order.findUnique({ where: { id } });
    if (!order) return null;
    this.byId.clear(id).prime(id, order);
    return { order, cancelled: count === 1 };
  }
}
