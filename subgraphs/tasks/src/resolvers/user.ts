import { forbidden, isUuid, parsePage, requireViewer, toConnection } from '@supergraph/common';
import { canReadTasksOf } from '../access.ts';
import type { UserResolvers } from '../generated/resolvers-types.ts';

export const User: UserResolvers = {
  /** Users live in another subgraph; this one only knows their ids. */
  __resolveReference(ref, { viewer }) {
    requireViewer(viewer);
    return isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null;
  },

  async tasks(user, args, { viewer, tasks }) {
    const me = requireViewer(viewer);
    if (!canReadTasksOf(me, user.id)) throw forbidden("You cannot see another user's tasks.");
    const page = parsePage(args);
    const rows = await tasks.forUser({ status: args.status ?? null, page }).load(user.id);
    return toConnection(rows, page);
  },
};
