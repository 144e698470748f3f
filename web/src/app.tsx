import { useEffect } from 'react';
import {
  BrowserRouter,
  Link,
  NavLink,
  Route,
  Routes,
  useLocation,
  useNavigate,
} from 'react-router';
import { useQuery } from 'urql';
import { CartProvider, useCart } from './cart';
import { ShopClientProvider } from './client';
import { RequireSession } from './components/require-session';
import { graphql } from './generated/gql';
import { CataloguePage } from './pages/catalogue';
import { LogInPage } from './pages/log-in';
import { MyOrdersPage } from './pages/my-orders';
import { OrderPage } from './pages/order';
import { SignUpPage } from './pages/sign-up';
import { StaffOrdersPage } from './pages/staff-orders';
import { TodosPage } from './pages/todos';
import { SessionProvider, isStaff, useSession } from './session';

const Me = graphql(/* GraphQL */ `
  query Me {
    me {
      id
      name
      email
      role
    }
  }
`);

/**
 * Asks the router who the token belongs to when the app opens: a token that expired while
 * the tab was closed ends the session here (the client's UNAUTHENTICATED handling), and a
 * changed name or role shows.
 */
function SessionCheck() {
  const { session, updateUser } = useSession();
  const [{ data }] = useQuery({ query: Me, pause: !session, requestPolicy: 'network-only' });
  useEffect(() => {
    if (data?.me) updateUser(data.me);
  }, [data, updateUser]);
  return null;
}

/**
 * When the router refused the token (it expired, or was revoked), the session is dropped and
 * the viewer goes to the log-in page with the reason, wherever they were; after logging in,
 * back there.
 */
function SessionEndedRedirect() {
  const { session, notice } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  useEffect(() => {
    if (session || !notice || pathname === '/login') return;
    navigate('/login', { replace: true, state: { from: pathname, reason: notice } });
  }, [session, notice, pathname, navigate]);
  return null;
}

function Header() {
  const { session, signOut } = useSession();
  const { count } = useCart();
  const navigate = useNavigate();
  const user = session?.user;
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Supergraph Shop
        </Link>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Catalogue{count > 0 && <span className="count"> ({count} in cart)</span>}
          </NavLink>
          {user && <NavLink to="/orders">My orders</NavLink>}
          {user && <NavLink to="/todos">My to-dos</NavLink>}
          {isStaff(user) && <NavLink to="/staff/orders">All orders</NavLink>}
        </nav>
        <div className="account">
          {user ? (
            <>
              <span className="who">
                {user.name}
                {isStaff(user) && <span className="role"> {user.role}</span>}
              </span>
              <button
                type="button"
                onClick={() => {
                  signOut();
                  navigate('/');
                }}
              >
                Log out
              </button>
            </>
          ) : (
            <>
              <Link to="/login" className="button button-primary">
                Log in
              </Link>
              <Link to="/signup" className="button">
                Sign up
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}

function NotFound() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the catalogue</Link>
      </p>
    </section>
  );
}

export function App() {
  return (
    <SessionProvider>
      <ShopClientProvider>
        <CartProvider>
          <BrowserRouter>
            <SessionCheck />
            <SessionEndedRedirect />
            <Header />
            <main className="site-main">
              <Routes>
                <Route path="/" element={<CataloguePage />} />
                <Route path="/login" element={<LogInPage />} />
                <Route path="/signup" element={<SignUpPage />} />
                <Route
                  path="/orders"
                  element={
                    <RequireSession>
                      <MyOrdersPage />
                    </RequireSession>
                  }
                />
                <Route
                  path="/orders/:id"
                  element={
                    <RequireSession>
                      <OrderPage />
                    </RequireSession>
                  }
                />
                <Route
                  path="/todos"
                  element={
                    <RequireSession>
                      <TodosPage />
                    </RequireSession>
                  }
                />
                <Route
                  path="/staff/orders"
                  element={
                    <RequireSession staff>
                      <StaffOrdersPage />
                    </RequireSession>
                  }
                />
                <Route path="*" element={<NotFound />} />
              </Routes>
            </main>
          </BrowserRouter>
        </CartProvider>
      </ShopClientProvider>
    </SessionProvider>
  );
}
