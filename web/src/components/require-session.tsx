import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { isStaff, useSession } from '../session';

/**
 * Pages for signed-in people (and, with `staff`, for STAFF and ADMIN): anyone else goes to the
 * log-in page, which comes back here afterwards.
 */
export function RequireSession({
  children,
  staff = false,
}: {
  children: ReactNode;
  staff?: boolean;
}) {
  const { session, notice } = useSession();
  const location = useLocation();
  if (!session) {
    // A session that just ended: SessionEndedRedirect takes the viewer to log in, with why.
    if (notice) return null;
    return (
      <Navigate
        to="/login"
        replace
        state={{ from: location.pathname, reason: 'Log in to see this page.' }}
      />
    );
  }
  if (staff && !isStaff(session.user)) {
    return (
      <section className="page">
        <h1>Staff only</h1>
        <p>This page is for the shop's staff.</p>
      </section>
    );
  }
  return children;
}
