import { badUserInput, conflict, isUuid, notFound, requireViewer } from '@supergraph/common';
import type { MutationResolvers } from '../generated/resolvers-types.ts';
import { validPlaceOrderInput } from '../validation.ts';
import { canSeeOrder } from './visibility.ts';

export const Mutation: MutationResolvers = {
  placeOrder(_, { input }, { viewer, orders }) {
    const me = requireViewer(viewer);
    return orders.place(me.id, validPlaceOrderInput(input));
  },

  async cancelOrder(_, { id }, { viewer, orders }) {
    const me = requireViewer(viewer);
    if (!isUuid(id)) throw badUserInput('id', 'is not a valid order id.');
    const existing = await orders.byId.load(id);
    if (!existing || !canSeeOrder(me, existing)) throw notFound('Order', id);
    const result = await orders.cancel(existing.id);
    if (!result) throw notFound('Order', id);
    if (!result.cancelled) {
      throw conflict(
        `Order ${id} is ${result.order.status}; only PENDING or CONFIRMED orders can be cancelled.`,
      );
    }
    return result.order;
  },
};
