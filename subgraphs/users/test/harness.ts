/**
 * The users subgraph for tests: on a free port, over a database of its own and a real Redis,
 * with its rate-limit counters in a namespace of its own so that reruns never share them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import type { RedisTarget } from '@supergraph/config';
import { closeRedisClient, createRedisClient } from '@supergraph/redis';
import { createUsersClient, type PrismaClient } from '@supergraph/prisma/users';
import { asRouter, postGraphQL, startTestSubgraph } from '@supergraph/testing';
import type { LoginLimits } from '../src/login-throttle.ts';
import { createServer } from '../src/server.ts';

export const SECRET = 'test-subgraph-secret-that-is-long-enough';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PASSWORD = 'correct horse battery';

/** Limits that no test reaches by accident. */
export const GENEROUS: LoginLimits = {
  maxFailuresPerEmail: 1000,
  maxAttemptsPerIp: 1000,
  windowSeconds: 60,
};

export type UsersSubgraph = {
  url: string;
  /** The subgraph's own database, for what a test must set up or read behind its back. */
  db: PrismaClient;
  signUp(email: string, clientIp?: string): Promise<{ token: string; user: { id: string } }>;
  logIn(email: string, password: string, clientIp?: string): ReturnType<typeof postGraphQL>;
  stop(): Promise<void>;
};

export const SIGN_UP = /* GraphQL */ `
  mutation ($input: SignUpInput!) {
    signUp(input: $input) {
      token
      user {
        id
        name
        email
        role
      }
    }
  }
`;

export const LOG_IN = /* GraphQL */ `
  mutation ($e: String!, $p: String!) {
    logIn(email: $e, password: $p) {
      user {
        email
      }
    }
  }
`;

export async function startUsers(
  options: {
    loginLimits?: LoginLimits;
    /** One Redis server or a cluster; REDIS_URL's by default. */
    redis?: RedisTarget;
    /** Counters of its own unless given: two subgraphs given the same one share them. */
    namespace?: string;
  } = {},
): Promise<UsersSubgraph> {
  const redis = createRedisClient(options.redis ?? REDIS_URL);
  if (redis.status !== 'ready') await once(redis, 'ready');
  const subgraph = await startTestSubgraph({
    secret: SECRET,
    connect: (databaseUrl) => createUsersClient({ databaseUrl, poolSize: 4 }),
    build: (db, deps) =>
      createServer({
        ...deps,
        db,
        redis,
        jwtSecret: 'test-jwt-secret-that-is-long-enough-for-hs256',
        jwtTtlSeconds: 60,
        loginLimits: options.loginLimits ?? GENEROUS,
        rateLimitNamespace: options.namespace ?? `test-${randomUUID()}`,
      }),
  });
  const { url } = subgraph;
  return {
    url,
    db: subgraph.db,
    async signUp(email, clientIp = randomIp()) {
      const res = await postGraphQL<{ signUp: { token: string; user: { id: string } } }>(
        url,
        SIGN_UP,
        {
          variables: { input: { name: 'Ada', email, password: PASSWORD } },
          headers: asRouter(SECRET, null, clientIp),
        },
      );
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      return res.data!.signUp;
    },
    logIn: (email, password, clientIp) =>
      postGraphQL(url, LOG_IN, {
        variables: { e: email, p: password },
        headers: asRouter(SECRET, null, clientIp),
      }),
    async stop() {
      await subgraph.stop();
      await closeRedisClient(redis);
    },
  };
}

/** An address no other test, nor an earlier run, uses. */
export function randomIp(): string {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${c}`;
}

export function randomEmail(label = 'user'): string {
  return `${label}-${randomUUID()}@example.com`;
}
