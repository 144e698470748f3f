import type { TokenKey, Viewer } from '@supergraph/common';
import type { PrismaClient } from '@supergraph/prisma/users';
import { UserRepository } from './data/user-repository.ts';

/** What a resolver gets: who is asking, and request-scoped data access. */
export type Context = {
  viewer: Viewer | null;
  users: UserRepository;
  tokens: { key: TokenKey; ttlSeconds: number };
  /** Set by signUp and logIn: the account this request has just proven to own. */
  signedInAs: string | null;
};

export type ContextDeps = { db: PrismaClient; tokenKey: TokenKey; tokenTtlSeconds: number };

export function createContext(deps: ContextDeps, viewer: Viewer | null): Context {
  return {
    viewer,
    users: new UserRepository(deps.db),
    tokens: { key: deps.tokenKey, ttlSeconds: deps.tokenTtlSeconds },
    signedInAs: null,
  };
}
