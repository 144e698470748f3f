import type { CombinedError } from 'urql';
import { useLiveState } from '../client';

const TEXT = {
  idle: 'Live updates off',
  connecting: 'Connecting to live updates…',
  live: 'Live',
  offline: 'Live updates interrupted: reconnecting…',
} as const;

/**
 * Whether what the page shows is following the router's live updates right now: the link's
 * state, or the page's subscription's refusal.
 */
export function LiveIndicator({ error }: { error?: CombinedError | null }) {
  const state = useLiveState();
  const shown = error ? 'offline' : state;
  return (
    <span className={`live live-${shown}`} title="Statuses on this page update by themselves">
      <span className="live-dot" aria-hidden="true" />
      {error ? 'Live updates are unavailable right now' : TEXT[state]}
    </span>
  );
}
