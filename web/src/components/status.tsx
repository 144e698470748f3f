import type { ReactNode } from 'react';

/**
 * A status as the graph spells it (PENDING, CONFIRMED, SENT, …), as a coloured badge: the word
 * itself is what people and tests read.
 */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={`badge badge-${status.toLowerCase()}`} title={label}>
      {status}
    </span>
  );
}

/** A section the router could not fill: the rest of the page still works. */
export function Unavailable({ children }: { children: ReactNode }) {
  return <p className="notice notice-warn">{children}</p>;
}

/** What an empty list says. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function ErrorText({ children }: { children: ReactNode }) {
  return (
    <p className="notice notice-error" role="alert">
      {children}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" aria-busy="true">
      Loading {what}…
    </p>
  );
}
