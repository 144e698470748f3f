import { isUuid, requireViewer } from '@supergraph/common';
import type { Context } from '../context.ts';
import type { Order as OrderRow, OrderItem as OrderItemRow } from '../data/order-repository.ts';
import { canSeeOrder } from './visibility.ts';

export const Order = {
  /** Other subgraphs reference orders by id; the router batches them into one call per request. */
  async __resolveReference(ref: { id: unknown }, { viewer, orders }: Context) {
    const me = requireViewer(viewer);
    if (typeof ref.id !== 'string' || !isUuid(ref.id)) return null;
    const order = await orders.byId.load(ref.id);
    return order && canSeeOrder(me, order) ? order : null;
  },

  /** Users live in the users subgraph; the router resolves the rest of the entity there. */
  customer: (order: OrderRow) => ({ __typename: 'User', id: order.customerId }),

  items: (order: OrderRow, _: unknown, { orders }: Context) => orders.itemsByOrderId.load(order.id),

  /** Every order gets a delivery row when placed; one missing is treated as not yet tried. */
  async confirmationEmail(order: OrderRow, _: unknown, { orders }: Context) {
    const email = await orders.emailByOrderId.load(order.id);
    return email ?? { status: 'QUEUED', attempts: 0, lastError: null, sentAt: null };
  },
};

export const OrderItem = {
  product: (item: OrderItemRow, _: unknown, { products }: Context) =>
    products.byId.load(item.productId),
};
