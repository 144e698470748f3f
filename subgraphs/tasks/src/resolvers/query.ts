import { parsePage, requireViewer, toConnection } from '@supergraph/common';
import { canSee, scopeFor } from '../access.ts';
import type { QueryResolvers } from '../generated/resolvers-types.ts';
import { validId } from '../validation.ts';

export const Query: QueryResolvers = {
  /** Null rather than FORBIDDEN, so that nobody can probe which ids exist. */
  async task(_, { id }, { viewer, tasks }) {
    const me = requireViewer(viewer);
    const task = await tasks.byId.load(validId(id, 'id'));
    return task && canSee(me, task) ? task : null;
  },

  async tasks(_, args, { viewer, tasks }) {
    const me = requireViewer(viewer);
    const page = parsePage(args);
    return toConnection(await tasks.list(scopeFor(me), args.status ?? null, page), page);
  },
};
