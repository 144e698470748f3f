import { parsePage, requireViewer, toConnection, type PageArgs } from '@supergraph/common';
import { canSee, scopeFor } from '../access.ts';
import type { Context } from '../context.ts';
import type { TaskStatus } from '../data/task-repository.ts';
import { validId } from '../validation.ts';

export const Query = {
  /** Null rather than FORBIDDEN, so that nobody can probe which ids exist. */
  async task(_: unknown, { id }: { id: string }, { viewer, tasks }: Context) {
    const me = requireViewer(viewer);
    const task = await tasks.byId.load(validId(id, 'id'));
    return task && canSee(me, task) ? task : null;
  },

  async tasks(
    _: unknown,
    args: PageArgs & { status?: TaskStatus | null },
    { viewer, tasks }: Context,
  ) {
    const me = requireViewer(viewer);
    const page = parsePage(args);
    return toConnection(await tasks.list(scopeFor(me), args.status ?? null, page), page);
  },
};
