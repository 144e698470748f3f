import type { Viewer } from '@supergraph/auth';
import { forbidden, unauthenticated } from './errors.ts';

// The identity itself is defined beside the tokens and proofs that carry it; the subgraphs'
// authorization rules below take it from here.
export { ROLES, isRole, type Role, type Viewer } from '@supergraph/auth';

/**
 * The identity background jobs present to another service when they read its entities (a
 * customer's address for their email). It is staff because jobs act for the shop; it
 * reaches subgraphs only with the router's proof, which only our own processes can make.
 */
export const SERVICE_VIEWER: Viewer = { id: '00000000-0000-0000-0000-000000000000', role: 'STAFF' };

export function isStaff(viewer: Viewer | null | undefined): boolean {
  return viewer?.role === 'STAFF' || viewer?.role === 'ADMIN';
}

export function requireViewer(viewer: Viewer | null | undefined): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

export function requireStaff(viewer: Viewer | null | undefined): Viewer {
  const v = requireViewer(viewer);
  if (!isStaff(v)) throw forbidden('Only staff can do this.');
  return v;
}
