import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { clientIp, unauthenticatedAnswer, type TokenKey, type Viewer } from '@supergraph/auth';
import type { RequestGate } from '@supergraph/http';
import { addressKey, type RateLimiter } from '@supergraph/redis';
import { viewerFromRequest } from './auth.ts';

/** Who is asking, as established by the gate. */
export type Caller = { viewer: Viewer | null; clientIp: string };

/** Options for {@link createRequestGate}. */
export type RequestGateOptions = {
  tokenKey: TokenKey;
  /** Per-client request budget; null switches rate limiting off. */
  limiter: RateLimiter | null;
  /** Proxies in front of the router that append to X-Forwarded-For. */
  trustedProxyHops: number;
};

/**
 * What every GraphQL request passes before its body is read: the bearer token, and the
 * caller's request budget. Budgets are per account for signed-in callers and
 * per address otherwise, so one busy office behind a NAT does not starve a signed-in user.
 */
export function createRequestGate(options: RequestGateOptions) {
  const callers = new WeakMap<IncomingMessage, Caller>();

  async function gate(req: IncomingMessage): Promise<RequestGate> {
    const ip = clientIp(req, options.trustedProxyHops);
    let viewer: Viewer | null = null;
    let refusal: GraphQLError | undefined;
    try {
      viewer = await viewerFromRequest(req, options.tokenKey);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      refusal = error;
    }
    if (options.limiter) {
      // An IPv6 client spends its /64's budget: it can pick any address in it at will.
      const decision = await options.limiter.consume(
        viewer ? `user:${viewer.id}` : `ip:${addressKey(ip)}`,
      );
      if (!decision.allowed) {
        return {
          ok: false,
          status: 429,
          code: 'RATE_LIMITED',
          message: `Too many requests; try again in ${decision.retryAfterSeconds} s.`,
          headers: { 'retry-after': String(decision.retryAfterSeconds) },
          extensions: { retryAfterSeconds: decision.retryAfterSeconds },
        };
      }
    }
    if (refusal) {
      const { status, code, message, headers } = unauthenticatedAnswer(refusal.message);
      return { ok: false, status, code, message, headers };
    }
    callers.set(req, { viewer, clientIp: ip });
    return { ok: true };
  }

  return {
    gate,
    /** The caller the gate let through; anonymous for a request it never saw. */
    caller(req: IncomingMessage): Caller {
      return callers.get(req) ?? { viewer: null, clientIp: req.socket.remoteAddress ?? 'unknown' };
    },
  };
}
