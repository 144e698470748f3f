/**
 * Brute-force protection for log-in, in Redis so that every replica shares the counts: each
 * client IP has a budget of attempts (log-ins and sign-ups alike, since a sign-up tells whether
 * an email is taken), and each email a budget of failed log-ins. Emails are counted whether or
 * not an account has them, so a refusal says nothing about which emails exist.
 */
import { createHash } from 'node:crypto';
import { rateLimited } from '@supergraph/common';
import {
  addressKey,
  createRateLimiter,
  type RateLimitDecision,
  type RedisClient,
} from '@supergraph/redis';

/** How much each window allows. */
export type LoginLimits = {
  /** Failed log-ins one email may have in a window; then it is refused, right password or not. */
  maxFailuresPerEmail: number;
  /** Log-in and sign-up attempts one client IP may make in a window. */
  maxAttemptsPerIp: number;
  /** The length of a window, in seconds. */
  windowSeconds: number;
};

export type LoginThrottle = {
  /**
   * Spends one of the IP's attempts and one of the email's failures (given back by
   * `loggedIn`), or throws RATE_LIMITED when either budget is spent.
   */
  admitLogIn(email: string, clientIp: string | null): Promise<void>;
  /** Gives the email its failures back after a successful log-in. */
  loggedIn(email: string): Promise<void>;
  /** Spends one of the IP's attempts, or throws RATE_LIMITED. */
  admitSignUp(clientIp: string | null): Promise<void>;
};

/** One refusal for every limit, so that it cannot tell an existing email from another. */
const TOO_MANY = 'Too many attempts; try again later.';

function refuse(decision: RateLimitDecision): void {
  if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds, TOO_MANY);
}

/** The email's key: hashed, so that Redis holds no addresses. `email` is already normalised. */
function emailKey(email: string): string {
  return createHash('sha256').update(email).digest('base64url');
}

/**
 * The bucket a client address counts in: an IPv6 client by its /64, an IPv4-mapped address as
 * the IPv4 one (see `addressKey`). Requests with no address (our own processes, or a router
 * that could not tell) share one bucket.
 */
export function clientKey(clientIp: string | null): string {
  return clientIp ? addressKey(clientIp) : 'unknown';
}

export function createLoginThrottle(options: {
  redis: RedisClient;
  limits: LoginLimits;
  /** Keeps these counters apart from others on the same Redis; tests give each run its own. */
  namespace?: string;
}): LoginThrottle {
  const { redis, limits, namespace = 'users' } = options;
  // Two counters, each a key of its own and never touched in one command with the other: on a
  // Redis Cluster they may live on different nodes, and need no hash tag.
  const byIp = createRateLimiter({
    redis,
    name: `${namespace}:login-ip`,
    limit: { points: limits.maxAttemptsPerIp, windowSeconds: limits.windowSeconds },
  });
  const byEmail = createRateLimiter({
    redis,
    name: `${namespace}:login-email`,
    limit: { points: limits.maxFailuresPerEmail, windowSeconds: limits.windowSeconds },
  });
  return {
    async admitLogIn(email, clientIp) {
      refuse(await byIp.consume(clientKey(clientIp)));
      // The failure is spent before the password is checked, not after it fails: the count is
      // one atomic increment, so a burst of parallel guesses cannot all pass a check first.
      refuse(await byEmail.consume(emailKey(email)));
    },
    async loggedIn(email) {
      await byEmail.reset(emailKey(email));
    },
    async admitSignUp(clientIp) {
      refuse(await byIp.consume(clientKey(clientIp)));
    },
  };
}
