import {
  forbidden,
  isStaff,
  parsePage,
  requireStaff,
  requireViewer,
  toConnection,
  type PageArgs,
} from '@supergraph/common';
import type { Context } from '../context.ts';

export const Query = {
  me: (_: unknown, __: unknown, { viewer, users }: Context) =>
    viewer ? users.byId.load(viewer.id) : null,

  user(_: unknown, { id }: { id: string }, { viewer, users }: Context) {
    const me = requireViewer(viewer);
    if (me.id !== id && !isStaff(me)) throw forbidden('You can only read your own account.');
    return users.byId.load(id);
  },

  async users(_: unknown, args: PageArgs, { viewer, users }: Context) {
    requireStaff(viewer);
    const page = parsePage(args);
    return toConnection(await users.list(page), page);
  },
};
