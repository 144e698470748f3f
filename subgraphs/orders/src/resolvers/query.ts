import {
  badUserInput,
  isStaff,
  isUuid,
  parsePage,
  requireViewer,
  toConnection,
  type PageArgs,
} from '@supergraph/common';
import type { Context } from '../context.ts';
import type { OrderStatus } from '../data/order-repository.ts';
import { canSeeOrder } from './visibility.ts';

export const Query = {
  async products(_: unknown, args: PageArgs, { products }: Context) {
    const page = parsePage(args);
    return toConnection(await products.list(page), page);
  },

  async order(_: unknown, { id }: { id: string }, { viewer, orders }: Context) {
    const me = requireViewer(viewer);
    if (!isUuid(id)) throw badUserInput('id', 'is not a valid order id.');
    const order = await orders.byId.load(id);
    // Another customer's order looks exactly like a missing one.
    return order && canSeeOrder(me, order) ? order : null;
  },

  async orders(
    _: unknown,
    args: PageArgs & { status?: OrderStatus | null },
    { viewer, orders }: Context,
  ) {
    const me = requireViewer(viewer);
    const page = parsePage(args);
    const rows = await orders.list(page, {
      ...(isStaff(me) ? {} : { customerId: me.id }),
      status: args.status ?? null,
    });
    return toConnection(rows, page);
  },
};
