import { forbidden, isStaff, requireViewer } from '@supergraph/common';
import type { Context } from '../context.ts';
import type { PublicUser as UserRow } from '../data/user-repository.ts';

export const User = {
  /** Other subgraphs reference users by id; the router batches them into one call per request. */
  __resolveReference(ref: { id: string }, { viewer, users }: Context) {
    requireViewer(viewer);
    return users.byId.load(ref.id);
  },

  email(user: UserRow, _: unknown, { viewer, signedInAs }: Context) {
    if (signedInAs === user.id) return user.email;
    const me = requireViewer(viewer);
    if (me.id !== user.id && !isStaff(me)) throw forbidden("You cannot see another user's email.");
    return user.email;
  },
};
