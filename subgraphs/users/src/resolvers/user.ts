import {
  forbidden,
  isStaff,
  requireViewer,
  type ExpectNone,
  type UnresolvedFields,
} from '@supergraph/common';
import type { PublicUser } from '../data/user-repository.ts';
import type { User as UserFields, UserResolvers } from '../generated/resolvers-types.ts';

export const User = {
  /** Other subgraphs reference users by id; the router batches them into one call per request. */
  __resolveReference(ref, { viewer, users }) {
    requireViewer(viewer);
    return users.byId.load(ref.id);
  },

  email(user, _, { viewer, signedInAs }) {
    if (signedInAs === user.id) return user.email;
    const me = requireViewer(viewer);
    if (me.id !== user.id && !isStaff(me)) throw forbidden("You cannot see another user's email.");
    return user.email;
  },
} satisfies UserResolvers;

// `satisfies` keeps the fields resolved above in `typeof User`; the rest are read off the row.
type _UserRowFields = ExpectNone<UnresolvedFields<UserFields, PublicUser, typeof User>>;
