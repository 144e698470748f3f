/**
 * The router's proof to the subgraphs. Subgraphs are reachable on the network, so an identity
 * header alone would let anyone claim to be an admin by calling a subgraph directly. The router
 * signs every request it forwards, with or without a viewer, using SUBGRAPH_SECRET; subgraphs
 * refuse requests without a valid, fresh signature. The signed payload also carries the
 * client's IP as the router saw it, so that a subgraph can rate-limit by address without
 * trusting a header a client could set.
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

/** What else a proof may carry besides the viewer. */
export type ProofOptions = {
  /** The address of the client the router is serving; absent for a process's own calls. */
  clientIp?: string | null;
  /** The signing time, in ms since the epoch; defaults to now. */
  now?: number;
};

/**
 * Signs `viewer` (and the client's IP, when given) for one request to a subgraph. The third
 * argument may still be the signing time alone, as it was before the IP was carried.
 */
export function createProof(
  secret: string,
  viewer: Viewer | null,
  options: ProofOptions | number = {},
): string {
  const { clientIp = null, now = Date.now() } =
    typeof options === 'number' ? { now: options } : options;
  const ts = Math.floor(now / 1000).toString();
  const claims = {
    ...(viewer ? { id: viewer.id, role: viewer.role } : {}),
    ...(clientIp ? { ip: clientIp } : {}),
  };
  // An anonymous proof without an address keeps the empty payload it has always had.
  const payload =
    Object.keys(claims).length > 0 ? Buffer.from(JSON.stringify(claims)).toString('base64url') : '';
  const data = `${VERSION}.${ts}.${payload}`;
  return `${data}.${sign(secret, data)}`;
}

/**
 * One proof per client request, however many subgraphs and fetches its plan involves: the
 * request's own object (the router's context) keys it, and it is signed at the first fetch.
 * The address is signed with the viewer, so that a subgraph can rate-limit by it.
 */
export function createRequestProofs(
  secret: string,
): (request: { viewer?: Viewer | null; clientIp?: string | null }) => string {
  const proofs = new WeakMap<object, string>();
  return (request) => {
    let proof = proofs.get(request);
    if (!proof) {
      proof = createProof(secret, request.viewer ?? null, { clientIp: request.clientIp ?? null });
      proofs.set(request, proof);
    }
    return proof;
  };
}

export type ProofResult =
  { ok: true; viewer: Viewer | null; clientIp: string | null } | { ok: false; reason: string };

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
  if (!payload) return { ok: true, viewer: null, clientIp: null };
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const { id, role, ip } = (parsed ?? {}) as Record<string, unknown>;
    const clientIp = typeof ip === 'string' && ip !== '' ? ip : null;
    if (ip !== undefined && clientIp === null)
      return { ok: false, reason: 'malformed client address' };
    if (id === undefined && role === undefined) return { ok: true, viewer: null, clientIp };
    if (typeof id !== 'string' || !isRole(role)) return { ok: false, reason: 'malformed identity' };
    return { ok: true, viewer: { id, role }, clientIp };
  } catch {
    return { ok: false, reason: 'malformed identity' };
  }
}
