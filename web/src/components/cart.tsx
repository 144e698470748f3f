import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { MAX_QUANTITY, useCart } from '../cart';
import { hasCode, messageFor } from '../errors';
import { money } from '../format';
import { graphql } from '../generated/gql';
import { useSession } from '../session';
import { ErrorText } from './status';

const PlaceOrder = graphql(/* GraphQL */ `
  mutation PlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      id
      status
      totalCents
      currency
    }
  }
`);

/** The cart beside the catalogue: quantities, the total, and Place order. */
export function Cart() {
  const cart = useCart();
  const { session } = useSession();
  const navigate = useNavigate();
  const [, placeOrder] = useMutation(PlaceOrder);
  const [placing, setPlacing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Set at once, before React re-renders, so that a double click sends one request.
  const inFlight = useRef(false);

  const currency = cart.lines[0]?.currency ?? 'USD';
  const total = cart.lines.reduce((sum, line) => sum + line.priceCents * line.quantity, 0);

  async function place() {
    if (inFlight.current || cart.lines.length === 0) return;
    if (!session) {
      navigate('/login', { state: { from: '/', reason: 'Log in to place your order.' } });
      return;
    }
    inFlight.current = true;
    setPlacing(true);
    setError(null);
    try {
      const result = await placeOrder({
        input: {
          idempotencyKey: cart.idempotencyKey,
          items: cart.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
        },
      });
      if (result.data) {
        cart.completed();
        navigate(`/orders/${result.data.placeOrder.id}`, { state: { placed: true } });
      } else if (hasCode(result.error, 'CONFLICT')) {
        // The key went with other items: an earlier attempt may have been placed. Say so, and
        // let the next click be a new checkout.
        cart.renewKey();
        setError(
          'An earlier attempt with a different cart may have gone through: check My orders, then place this order again.',
        );
      } else if (!hasCode(result.error, 'UNAUTHENTICATED')) {
        setError(messageFor(result.error, 'Your order could not be placed. Try again.'));
      }
    } finally {
      inFlight.current = false;
      setPlacing(false);
    }
  }

  return (
    <aside className="cart card" aria-labelledby="cart-title">
      <h2 id="cart-title">Your cart</h2>
      {cart.lines.length === 0 ? (
        <p className="empty">Your cart is empty.</p>
      ) : (
        <ul className="cart-lines">
          {cart.lines.map((line) => (
            <li key={line.productId} className="cart-line">
              <div className="cart-line-name">
                <span>{line.name}</span>
                <span className="muted">
                  {money(line.priceCents * line.quantity, line.currency)}
                </span>
              </div>
              <div className="quantity">
                <button
                  type="button"
                  className="button-icon"
                  aria-label={`One fewer ${line.name}`}
                  onClick={() => cart.setQuantity(line.productId, line.quantity - 1)}
                >
                  −
                </button>
                <input
                  type="number"
                  min={1}
                  max={MAX_QUANTITY}
                  aria-label={`Quantity of ${line.name}`}
                  value={line.quantity}
                  onChange={(e) => {
                    const n = Number(e.target.value);
                    if (Number.isFinite(n) && n >= 1) cart.setQuantity(line.productId, n);
                  }}
                />
                <button
                  type="button"
                  className="button-icon"
                  aria-label={`One more ${line.name}`}
                  disabled={line.quantity >= MAX_QUANTITY}
                  onClick={() => cart.setQuantity(line.productId, line.quantity + 1)}
                >
                  +
                </button>
                <button
                  type="button"
                  className="button-link"
                  aria-label={`Remove ${line.name}`}
                  onClick={() => cart.remove(line.productId)}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div className="cart-total">
        <span>Total</span>
        <strong>{money(total, currency)}</strong>
      </div>
      {error && <ErrorText>{error}</ErrorText>}
      <button
        type="button"
        className="button-primary button-block"
        disabled={placing || cart.lines.length === 0}
        aria-busy={placing}
        onClick={place}
      >
        {placing && <span className="spinner" aria-hidden="true" />}
        Place order
      </button>
      <p className="hint">
        {session ? (
          'Prices are confirmed when the order is placed.'
        ) : (
          <>
            <Link to="/login" state={{ from: '/' }}>
              Log in
            </Link>{' '}
            to place your order.
          </>
        )}
      </p>
    </aside>
  );
}
