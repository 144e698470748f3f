import {
  forbidden,
  isStaff,
  parsePage,
  requireStaff,
  requireViewer,
  toConnection,
} from '@supergraph/common';
import type { QueryResolvers } from '../generated/resolvers-types.ts';

export const Query: QueryResolvers = {
  me: (_, __, { viewer, users }) => (viewer ? users.byId.load(viewer.id) : null),

  user(_, { id }, { viewer, users }) {
    const me = requireViewer(viewer);
    if (me.id !== id && !isStaff(me)) throw forbidden('You can only read your own account.');
    return users.byId.load(id);
  },

  async users(_, args, { viewer, users }) {
    requireStaff(viewer);
    const page = parsePage(args);
    return toConnection(await users.list(page), page);
  },
};
