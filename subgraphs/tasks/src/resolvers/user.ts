import {
  forbidden,
  isUuid,
  parsePage,
  requireViewer,
  toConnection,
  type PageArgs,
} from '@supergraph/common';
import { canReadTasksOf } from '../access.ts';
import type { Context } from '../context.ts';
import type { TaskStatus } from '../data/task-repository.ts';

export const User = {
  /** Users live in another subgraph; this one only knows their ids. */
  __resolveReference(ref: { id: string }, { viewer }: Context) {
    requireViewer(viewer);
    return isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null;
  },

  async tasks(
    user: { id: string },
    args: PageArgs & { status?: TaskStatus | null },
    { viewer, tasks }: Context,
  ) {
    const me = requireViewer(viewer);
    if (!canReadTasksOf(me, user.id)) throw forbidden("You cannot see another user's tasks.");
    const page = parsePage(args);
    const rows = await tasks.forUser({ status: args.status ?? null, page }).load(user.id);
    return toConnection(rows, page);
  },
};
