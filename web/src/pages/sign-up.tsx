import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { ErrorText } from '../components/status';
import { hasCode, messageFor } from '../errors';
import { graphql } from '../generated/gql';
import { useSession } from '../session';

const SignUp = graphql(/* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
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

type LocationState = { from?: string } | null;

export function SignUpPage() {
  const { session, signIn } = useSession();
  const navigate = useNavigate();
  const state = useLocation().state as LocationState;
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, signUp] = useMutation(SignUp);
  const back = state?.from && state.from !== '/signup' ? state.from : '/';

  if (session && !fetching) return <Navigate to={back} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const result = await signUp({ input: { name: name.trim(), email: email.trim(), password } });
    if (result.data) {
      signIn(result.data.signUp);
      navigate(back, { replace: true });
    } else if (hasCode(result.error, 'CONFLICT')) {
      setError('An account with this email already exists. Log in instead?');
    } else {
      setError(messageFor(result.error, 'Signing up failed. Try again.'));
    }
  }

  return (
    <section className="page page-narrow">
      <h1>Create an account</h1>
      <form className="card form" onSubmit={submit}>
        <label>
          Name
          <input
            name="name"
            autoComplete="name"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <div className="field">
          <label htmlFor="signup-password">Password</label>
          <input
            id="signup-password"
            type="password"
            name="password"
            autoComplete="new-password"
            required
            minLength={8}
            maxLength={128}
            aria-describedby="password-hint"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <span id="password-hint" className="hint">
            At least 8 characters.
          </span>
        </div>
        {error && <ErrorText>{error}</ErrorText>}
        <button type="submit" className="button-primary" disabled={fetching}>
          {fetching ? 'Creating your account…' : 'Sign up'}
        </button>
      </form>
      <p className="aside-text">
        Already have an account?{' '}
        <Link to="/login" state={state}>
          Log in
        </Link>
      </p>
    </section>
  );
}
