import {
  badUserInput,
  isStaff,
  isUuid,
  parsePage,
  requireViewer,
  toConnection,
} from '@supergraph/common';
import type { QueryResolvers } from '../generated/resolvers-types.ts';
import { canSeeOrder } from './visibility.ts';

export const Query: QueryResolvers = {
  async products(_, args, { products }) {
    const page = parsePage(args);
    return toConnection(await products.list(page), page);
  },

  async order(_, { id }, { viewer, orders }) {
    const me = requireViewer(viewer);
    if (!isUuid(id)) throw badUserInput('id', 'is not a valid order id.');
    const order = await orders.byId.load(id);
    // Another customer's order looks exactly like a missing one.
    return order && canSeeOrder(me, order) ? order : null;
  },

  async orders(_, args, { viewer, orders }) {
    const me = requireViewer(viewer);
    const page = parsePage(args);
    const rows = await orders.list(page, {
      ...(isStaff(me) ? {} : { customerId: me.id }),
      status: args.status ?? null,
    });
    return toConnection(rows, page);
  },
};
