import type { IncomingMessage } from 'node:http';

const UNKNOWN = 'unknown';

/**
 * Behind `trustedHops` proxies (load balancers, ingress) that each append to X-Forwarded-For,
 * the client is that many entries from the right of the chain that ends at `peer`; anything
 * further left was written by the client itself and is not trusted.
 */
function fromChain(
  forwardedFor: string | readonly string[] | undefined,
  peer: string,
  trustedHops: number,
): string {
  const forwarded = (
    typeof forwardedFor === 'string' ? forwardedFor : (forwardedFor ?? []).join(',')
  )
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedHops)] ?? peer;
}

/** The client's address, by the rule above, for a gateway that holds the connection. */
export function clientIp(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? UNKNOWN;
  if (trustedHops === 0) return peer;
  return fromChain(req.headers['x-forwarded-for'], peer, trustedHops);
}

/**
 * The client's address as the trusted proxies reported it, for a gateway that is handed the
 * headers but not the connection (Apollo Router's coprocessor): null when it is unknown.
 */
export function forwardedClientIp(
  forwardedFor: string | readonly string[] | undefined,
  trustedHops: number,
): string | null {
  if (trustedHops === 0) return null;
  const ip = fromChain(forwardedFor, UNKNOWN, trustedHops);
  return ip === UNKNOWN ? null : ip;
}
