import { useEffect, useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { ErrorText } from '../components/status';
import { hasCode, messageFor } from '../errors';
import { graphql } from '../generated/gql';
import { useSession } from '../session';

const LogIn = graphql(/* GraphQL */ `
  mutation LogIn($email: String!, $password: String!) {
    logIn(email: $email, password: $password) {
      token
      user {
        id
        name
        email
        role
      }
    }
  }
`);

type LocationState = { from?: string; reason?: string } | null;

export function LogInPage() {
  const { session, signIn, notice, clearNotice } = useSession();
  const navigate = useNavigate();
  const state = useLocation().state as LocationState;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, logIn] = useMutation(LogIn);
  const back = state?.from && state.from !== '/login' ? state.from : '/';
  // Why the viewer was sent here travels in the location's state; the session's notice has
  // done its job once they are here (and must not send them back when they leave).
  useEffect(() => {
    if (notice) clearNotice();
  }, [notice, clearNotice]);

  if (session && !fetching) return <Navigate to={back} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const result = await logIn({ email: email.trim(), password });
    if (result.data) {
      signIn(result.data.logIn);
      navigate(back, { replace: true });
    } else if (hasCode(result.error, 'UNAUTHENTICATED')) {
      setError('Wrong email or password.');
    } else {
      setError(messageFor(result.error, 'Logging in failed. Try again.'));
    }
  }

  const why = state?.reason;
  return (
    <section className="page page-narrow">
      <h1>Log in</h1>
      {why && (
        <p className="notice notice-info" role="status">
          {why}
        </p>
      )}
      <form
        className="card form"
        onSubmit={submit}
        aria-describedby={error ? 'login-error' : undefined}
      >
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <div id="login-error">
            <ErrorText>{error}</ErrorText>
          </div>
        )}
        <button type="submit" className="button-primary" disabled={fetching}>
          {fetching ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p className="aside-text">
        New here?{' '}
        <Link to="/signup" state={state}>
          Create an account
        </Link>
      </p>
    </section>
  );
}
