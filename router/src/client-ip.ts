import type { IncomingMessage } from 'node:http';

/**
 * The client's address. Behind `trustedHops` proxies (load balancers, ingress) that each append
 * to X-Forwarded-For, the client is that many entries from the right; anything further left
 * was written by the client itself and is not trusted.
 */
export function clientIp(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedHops)] ?? peer;
}
