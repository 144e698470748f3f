import {
  issueToken,
  dummyPasswordHash,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '@supergraph/auth';
import { badUserInput, requireViewer, unauthenticated } from '@supergraph/common';
import type { Context } from '../context.ts';
import type { User, UserChanges } from '../data/user-repository.ts';
import type { MutationResolvers } from '../generated/resolvers-types.ts';
import { validEmail, validName, validPassword } from '../validation.ts';

async function authPayload(user: User, ctx: Context) {
  const { tokens } = ctx;
  ctx.signedInAs = user.id;
  return {
    token: await issueToken(tokens.key, { id: user.id, role: user.role }, tokens.ttlSeconds),
    user,
  };
}

export const Mutation: MutationResolvers = {
  async signUp(_, { input }, ctx) {
    // A sign-up tells whether an email is taken, so it spends the address's attempts too.
    await ctx.throttle.admitSignUp(ctx.clientIp);
    const name = validName(input.name, 'input.name');
    const email = validEmail(input.email, 'input.email');
    const password = validPassword(input.password, 'input.password');
    const user = await ctx.users.create({
      name,
      email,
      passwordHash: await hashPassword(password),
    });
    return authPayload(user, ctx);
  },

  async logIn(_, args, ctx) {
    const email = args.email.trim().toLowerCase();
    // Refused before the account is even looked up, so a refusal is the same for every email.
    await ctx.throttle.admitLogIn(email, ctx.clientIp);
    const user = await ctx.users.findByEmail(email);
    // Verify against a dummy hash when the email is unknown, so both failures take as long.
    const ok = await verifyPassword(
      args.password,
      user?.passwordHash ?? (await dummyPasswordHash()),
    );
    if (!user || !ok) throw unauthenticated('Email or password is incorrect.');
    await ctx.throttle.loggedIn(email);
    // The password is in hand only now: a hash from older, cheaper parameters is replaced.
    if (needsRehash(user.passwordHash)) {
      await ctx.users.update(user.id, { passwordHash: await hashPassword(args.password) });
    }
    return authPayload(user, ctx);
  },

  async updateMe(_, { input }, ctx) {
    const { viewer, users } = ctx;
    const me = requireViewer(viewer);
    // The entity loader leaves the hash out; checking the current password needs it.
    const current = await users.withCredentials(me.id);
    if (!current) throw unauthenticated('Your account no longer exists.');
    const changes: UserChanges = {};
    if (input.name != null) changes.name = validName(input.name, 'input.name');
    if (input.email != null) changes.email = validEmail(input.email, 'input.email');
    if (input.password != null) {
      const password = validPassword(input.password, 'input.password');
      // The current password is as guessable here as at log-in, by anyone holding a stolen
      // token, so it spends the same budgets.
      await ctx.throttle.admitLogIn(current.email, ctx.clientIp);
      if (
        !input.currentPassword ||
        !(await verifyPassword(input.currentPassword, current.passwordHash))
      ) {
        throw badUserInput(
          'input.currentPassword',
          'must be your current password to set a new one.',
        );
      }
      await ctx.throttle.loggedIn(current.email);
      changes.passwordHash = await hashPassword(password);
    }
    if (Object.keys(changes).length === 0) return current;
    return users.update(me.id, changes);
  },
};
