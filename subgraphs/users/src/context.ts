import type { TokenKey, Viewer } from '@supergraph/auth';
import type { PrismaClient } from '@supergraph/prisma/users';
import { UserRepository } from './data/user-repository.ts';
import type { LoginThrottle } from './login-throttle.ts';

/** What a resolver gets: who is asking, from where, and request-scoped data access. */
export type Context = {
  viewer: Viewer | null;
  /** The client's address, signed by the router; null for our own processes' calls. */
  clientIp: string | null;
  users: UserRepository;
  tokens: { key: TokenKey; ttlSeconds: number };
  throttle: LoginThrottle;
  /** Set by signUp and logIn: the account this request has just proven to own. */
  signedInAs: string | null;
};

export type ContextDeps = {
  db: PrismaClient;
  tokenKey: TokenKey;
  tokenTtlSeconds: number;
  throttle: LoginThrottle;
};

export function createContext(
  deps: ContextDeps,
  viewer: Viewer | null,
  clientIp: string | null,
): Context {
  return {
    viewer,
    clientIp,
    users: new UserRepository(deps.db),
    tokens: { key: deps.tokenKey, ttlSeconds: deps.tokenTtlSeconds },
    throttle: deps.throttle,
    signedInAs: null,
  };
}
