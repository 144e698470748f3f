import { isUuid, requireViewer } from '@supergraph/common';
import { scopeFor } from '../access.ts';
import type { Context } from '../context.ts';

export const Order = {
  /** Orders live in another subgraph; this one only knows their ids. */
  __resolveReference(ref: { id: string }, { viewer }: Context) {
    requireViewer(viewer);
    return isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null;
  },

  tasks(order: { id: string }, _: unknown, { viewer, tasks }: Context) {
    const me = requireViewer(viewer);
    return tasks.forOrder(scopeFor(me)).load(order.id);
  },
};
