import {
  forbidden,
  isStaff,
  isUuid,
  parsePage,
  requireViewer,
  toConnection,
} from '@supergraph/common';
import type { UserResolvers } from '../generated/resolvers-types.ts';

export const User: UserResolvers = {
  /** Users are owned by the users subgraph; this one only adds their orders. */
  __resolveReference(ref) {
    // Representations are unchecked JSON from the caller, whatever the type says.
    return typeof ref.id === 'string' && isUuid(ref.id) ? { id: ref.id } : null;
  },

  async orders(user, args, { viewer, orders }) {
    const me = requireViewer(viewer);
    if (me.id.toLowerCase() !== user.id.toLowerCase() && !isStaff(me)) {
      throw forbidden('You can only read your own orders.');
    }
    const page = parsePage(args);
    const rows = await orders.pageOfCustomer(page, args.status ?? null).load(user.id);
    return toConnection(rows, page);
  },
};
