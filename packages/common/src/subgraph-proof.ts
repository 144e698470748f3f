/**
 * The router's proof to the subgraphs. Subgraphs are reachable on the network, so an identity
 * header alone would let anyone claim to be an admin by calling a subgraph directly. The router
 * signs every request it forwards, with or without a viewer, using SUBGRAPH_SECRET; subgraphs
 * refuse requests without a valid, fresh signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRole, type Viewer } from './viewer.ts';

export const PROOF_HEADER = 'x-supergraph-proof';
const VERSION = 'v1';
/** How far a proof's timestamp may be from the subgraph's clock, in seconds. */
const MAX_SKEW_SECONDS = 300;

function sign(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

export function createProof(secret: string, viewer: Viewer | null, now = Date.now()): string {
  const ts = Math.floor(now / 1000).toString();
  const payload = viewer
    ? Buffer.from(JSON.stringify({ id: viewer.id, role: viewer.role })).toString('base64url')
    : '';
  const data = `${VERSION}.${ts}.${payload}`;
  return `${data}.${sign(secret, data)}`;
}

export type ProofResult = { ok: true; viewer: Viewer | null } | { ok: false; reason: string };

export function verifyProof(
  secret: string,
  header: string | undefined,
  now = Date.now(),
): ProofResult {
  if (!header) return { ok: false, reason: 'missing router proof' };
  const parts = header.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION)
    return { ok: false, reason: 'malformed router proof' };
  const [version, ts, payload, mac] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(secret, `${version}.${ts}.${payload}`));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'invalid router proof' };
  }
  if (Math.abs(now / 1000 - Number(ts)) > MAX_SKEW_SECONDS) {
    return { ok: false, reason: 'expired router proof' };
  }
  if (!payload) return { ok: true, viewer: null };
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const { id, role } = (parsed ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || !isRole(role)) return { ok: false, reason: 'malformed identity' };
    return { ok: true, viewer: { id, role } };
  } catch {
    return { ok: false, reason: 'malformed identity' };
  }
}
