/**
 * Who is signed in: the access token and the user it was issued to, kept in localStorage so
 * that a reload or a second tab stays signed in. Signing out can carry a notice for the log-in
 * page ("Your session has ended…").
 */
import {
  createContext,
  use,
  useCallback,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import type { Role } from './generated/gql/graphql';

export type SessionUser = { id: string; name: string; email: string; role: Role };
export type Session = { token: string; user: SessionUser };

const STORAGE_KEY = 'supergraph.session';

function isSession(value: unknown): value is Session {
  const v = value as Session | null;
  return (
    typeof v?.token === 'string' &&
    typeof v.user?.id === 'string' &&
    typeof v.user.name === 'string' &&
    typeof v.user.role === 'string'
  );
}

function readStoredSession(): Session | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    return isSession(value) ? value : null;
  } catch {
    return null;
  }
}

type SessionContextValue = {
  session: Session | null;
  /** Why the viewer was signed out, for the log-in page to show; null once shown or cleared. */
  notice: string | null;
  signIn(session: Session): void;
  signOut(notice?: string): void;
  /** The `me` query's word on who the viewer is, e.g. after a role change. */
  updateUser(user: SessionUser): void;
  clearNotice(): void;
};

const SessionContext = createContext<SessionContextValue | null>(null);

function persist(session: Session | null) {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(readStoredSession);
  const [notice, setNotice] = useState<string | null>(null);

  // Another tab logging in or out.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === STORAGE_KEY || event.key === null) setSession(readStoredSession());
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  // Stable functions: the GraphQL client, made once per token, holds on to signOut.
  const signIn = useCallback((next: Session) => {
    persist(next);
    setNotice(null);
    setSession(next);
  }, []);
  const signOut = useCallback((reason?: string) => {
    persist(null);
    setNotice(reason ?? null);
    setSession(null);
  }, []);
  const updateUser = useCallback((user: SessionUser) => {
    const stored = readStoredSession();
    if (!stored || JSON.stringify(stored.user) === JSON.stringify(user)) return;
    const next = { ...stored, user };
    persist(next);
    setSession(next);
  }, []);
  const clearNotice = useCallback(() => setNotice(null), []);

  const value = useMemo<SessionContextValue>(
    () => ({ session, notice, signIn, signOut, updateUser, clearNotice }),
    [session, notice, signIn, signOut, updateUser, clearNotice],
  );
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionContextValue {
  const value = use(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

export const isStaff = (user: SessionUser | undefined) =>
  user?.role === 'STAFF' || user?.role === 'ADMIN';
