/**
 * The cart, kept in localStorage. It carries the checkout's idempotency key: a fresh one when
 * the cart is created and after an order succeeds, so that a second click, a retry after a
 * lost answer, or a second tab places one order, not two.
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
import { randomId } from './ids';

export type CartLine = {
  productId: string;
  name: string;
  priceCents: number;
  currency: string;
  quantity: number;
};

type Cart = { idempotencyKey: string; lines: CartLine[] };

const STORAGE_KEY = 'supergraph.cart';
/** The orders service accepts 1 to 1000 of an item. */
export const MAX_QUANTITY = 1000;

const emptyCart = (): Cart => ({ idempotencyKey: randomId(), lines: [] });

function readCart(): Cart {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Cart | null;
    if (value && typeof value.idempotencyKey === 'string' && Array.isArray(value.lines)) {
      return value;
    }
  } catch {
    // A damaged cart is replaced by an empty one.
  }
  return emptyCart();
}

type CartContextValue = {
  lines: CartLine[];
  idempotencyKey: string;
  count: number;
  add(product: Omit<CartLine, 'quantity'>): void;
  setQuantity(productId: string, quantity: number): void;
  remove(productId: string): void;
  /** After an order succeeded: an empty cart with a new key. */
  completed(): void;
  /** After the router said the key was used for other items: the same items, a new key. */
  renewKey(): void;
};

const CartContext = createContext<CartContextValue | null>(null);

export function CartProvider({ children }: { children: ReactNode }) {
  const [cart, setCart] = useState<Cart>(readCart);

  useEffect(() => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(cart));
  }, [cart]);
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === STORAGE_KEY) setCart(readCart());
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const update = useCallback((change: (lines: CartLine[]) => CartLine[]) => {
    setCart((current) => {
      const lines = change(current.lines);
      // An emptied cart is a new cart next time something goes in.
      if (lines.length === 0) return emptyCart();
      return { ...current, lines };
    });
  }, []);

  const value = useMemo<CartContextValue>(
    () => ({
      lines: cart.lines,
      idempotencyKey: cart.idempotencyKey,
      count: cart.lines.reduce((sum, line) => sum + line.quantity, 0),
      add: (product) =>
        update((lines) =>
          lines.some((line) => line.productId === product.productId)
            ? lines.map((line) =>
                line.productId === product.productId
                  ? { ...line, quantity: Math.min(line.quantity + 1, MAX_QUANTITY) }
                  : line,
              )
            : [...lines, { ...product, quantity: 1 }],
        ),
      setQuantity: (productId, quantity) =>
        update((lines) =>
          quantity < 1
            ? lines.filter((line) => line.productId !== productId)
            : lines.map((line) =>
                line.productId === productId
                  ? { ...line, quantity: Math.min(Math.floor(quantity), MAX_QUANTITY) }
                  : line,
              ),
        ),
      remove: (productId) => update((lines) => lines.filter((l) => l.productId !== productId)),
      completed: () => setCart(emptyCart()),
      renewKey: () => setCart((current) => ({ ...current, idempotencyKey: randomId() })),
    }),
    [cart, update],
  );
  return <CartContext value={value}>{children}</CartContext>;
}

export function useCart(): CartContextValue {
  const value = use(CartContext);
  if (!value) throw new Error('useCart outside CartProvider');
  return value;
}
