import { isUuid, requireViewer, type ExpectNone, type UnresolvedFields } from '@supergraph/common';
import type { Order as OrderRow, OrderItem as OrderItemRow } from '../data/order-repository.ts';
import type {
  Order as OrderFields,
  OrderItem as OrderItemFields,
  OrderItemResolvers,
  OrderResolvers,
} from '../generated/resolvers-types.ts';
import { canSeeOrder } from './visibility.ts';

export const Order = {
  /** Other subgraphs reference orders by id; the router batches them into one call per request. */
  async __resolveReference(ref, { viewer, orders }) {
    const me = requireViewer(viewer);
    // Representations are unchecked JSON from the caller, whatever the type says.
    if (typeof ref.id !== 'string' || !isUuid(ref.id)) return null;
    const order = await orders.byId.load(ref.id);
    return order && canSeeOrder(me, order) ? order : null;
  },

  /** Users live in the users subgraph; the router resolves the rest of the entity there. */
  customer: (order) => ({ __typename: 'User', id: order.customerId }),

  items: (order, _, { orders }) => orders.itemsByOrderId.load(order.id),

  /** Every order gets a delivery row when placed; one missing is treated as not yet tried. */
  async confirmationEmail(order, _, { orders }) {
    const email = await orders.emailByOrderId.load(order.id);
    return email ?? { status: 'QUEUED', attempts: 0, lastError: null, sentAt: null };
  },
} satisfies OrderResolvers;

// `satisfies` keeps the fields resolved above in `typeof Order`; the rest are read off the row.
type _OrderRowFields = ExpectNone<UnresolvedFields<OrderFields, OrderRow, typeof Order>>;

export const OrderItem = {
  async product(item, _, { products }) {
    const product = await products.byId.load(item.productId);
    // `product` is non-null in the SDL, and the foreign key (ON DELETE RESTRICT) keeps every
    // item's product in place: a missing one is broken data, reported as such.
    if (!product) throw new Error(`Order item ${item.id}: product ${item.productId} is missing.`);
    return product;
  },
} satisfies OrderItemResolvers;

// The same for items.
type _OrderItemRowFields = ExpectNone<
  UnresolvedFields<OrderItemFields, OrderItemRow, typeof OrderItem>
>;
