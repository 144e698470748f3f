import { isUuid, requireViewer } from '@supergraph/common';
import { scopeFor } from '../access.ts';
import type { OrderResolvers } from '../generated/resolvers-types.ts';

export const Order: OrderResolvers = {
  /** Orders live in another subgraph; this one only knows their ids. */
  __resolveReference(ref, { viewer }) {
    requireViewer(viewer);
    return isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null;
  },

  tasks(order, _, { viewer, tasks }) {
    const me = requireViewer(viewer);
    return tasks.forOrder(scopeFor(me)).load(order.id);
  },
};
