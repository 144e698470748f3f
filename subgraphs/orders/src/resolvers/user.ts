import {
  forbidden,
  isStaff,
  isUuid,
  parsePage,
  requireViewer,
  toConnection,
  type PageArgs,
} from '@supergraph/common';
import type { Context } from '../context.ts';
import type { OrderStatus } from '../data/order-repository.ts';

type UserRef = { id: string };

export const User = {
  /** Users are owned by the users subgraph; this one only adds their orders. */
  __resolveReference(ref: { id: unknown }): UserRef | null {
    return typeof ref.id === 'string' && isUuid(ref.id) ? { id: ref.id } : null;
  },

  async orders(
    user: UserRef,
    args: PageArgs & { status?: OrderStatus | null },
    { viewer, orders }: Context,
  ) {
    const me = requireViewer(viewer);
    if (me.id.toLowerCase() !== user.id.toLowerCase() && !isStaff(me)) {
      throw forbidden('You can only read your own orders.');
    }
    const page = parsePage(args);
    const rows = await orders.pageOfCustomer(page, args.status ?? null).load(user.id);
    return toConnection(rows, page);
  },
};
