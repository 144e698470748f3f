import { forbidden, unauthenticated } from './errors.ts';

export const ROLES = ['CUSTOMER', 'STAFF', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: established by the router from a verified token. */
export type Viewer = { id: string; role: Role };

/**
 * The identity background jobs present to another service when they read its entities (a
 * customer's address for their email). It is staff because jobs act for the shop; it
 * reaches subgraphs only with the router's proof, which only our own processes can make.
 */
export const SERVICE_VIEWER: Viewer = { id: '00000000-0000-0000-0000-000000000000', role: 'STAFF' };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

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
