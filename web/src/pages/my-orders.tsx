import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { LiveIndicator } from '../components/live-indicator';
import { StatusBadge, Unavailable } from '../components/status';
import { failedAt } from '../errors';
import { money, when } from '../format';
import { graphql } from '../generated/gql';
import type { OrderSummaryFragment } from '../generated/gql/graphql';
import { orderNumber } from '../ids';
import { useOrderFeed } from '../order-feed';
import { useSession } from '../session';

const PAGE_SIZE = 20;

export const OrderSummary = graphql(/* GraphQL */ `
  fragment OrderSummary on Order {
    id
    status
    totalCents
    currency
    createdAt
    confirmationEmail {
      status
    }
    items {
      quantity
      product {
        id
        name
      }
    }
  }
`);

const MyOrders = graphql(/* GraphQL */ `
  query MyOrders($first: Int!, $after: String) {
    me {
      id
      orders(first: $first, after: $after) {
        edges {
          node {
            ...OrderSummary
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

const MyOrderUpdates = graphql(/* GraphQL */ `
  subscription MyOrderUpdates {
    myOrderUpdates {
      ...OrderSummary
      version
      customer {
        id
      }
    }
  }
`);

type LiveOrder = OrderSummaryFragment & { version: number; customer: { id: string } };

function itemsText(order: OrderSummaryFragment): string {
  return order.items.map((item) => `${item.quantity} × ${item.product.name}`).join(', ');
}

function OrderRow({ order }: { order: OrderSummaryFragment }) {
  return (
    <tr>
      <th scope="row">
        <Link to={`/orders/${order.id}`}>{orderNumber(order.id)}</Link>
      </th>
      <td>{when(order.createdAt)}</td>
      <td className="items-cell">{itemsText(order)}</td>
      <td className="num">{money(order.totalCents, order.currency)}</td>
      <td>
        <StatusBadge status={order.status} />
      </td>
      <td>
        <StatusBadge status={order.confirmationEmail.status} />
      </td>
    </tr>
  );
}

const COLUMNS = 6;

/** One page of the list, fetched on its own, so that Load more keeps earlier pages fresh. */
function OrdersPage({
  after,
  index,
  last,
  live,
  resync,
  onIds,
  onMore,
}: {
  after: string | null;
  index: number;
  last: boolean;
  live: ReadonlyMap<string, LiveOrder>;
  resync: number;
  onIds: (index: number, ids: string[]) => void;
  onMore: (cursor: string) => void;
}) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: MyOrders,
    variables: { first: PAGE_SIZE, after },
  });
  useEffect(() => {
    if (resync > 0) reexecute({ requestPolicy: 'network-only' });
  }, [resync, reexecute]);
  const connection = data?.me?.orders;
  const ids = useMemo(() => connection?.edges.map((e) => e.node.id) ?? [], [connection]);
  useEffect(() => onIds(index, ids), [index, ids, onIds]);

  const row = (text: ReactNode, className = 'empty') => (
    <tr>
      <td colSpan={COLUMNS} className={className}>
        {text}
      </td>
    </tr>
  );
  if (!connection) {
    if (fetching) return <tbody>{row('Loading your orders…', 'loading')}</tbody>;
    if (failedAt(error, ['me', 'orders'])) {
      return (
        <tbody>
          <tr>
            <td colSpan={COLUMNS}>
              <Unavailable>Orders are unavailable right now.</Unavailable>
            </td>
          </tr>
        </tbody>
      );
    }
    return <tbody>{row('Your orders could not be loaded.')}</tbody>;
  }
  return (
    <tbody>
      {index === 0 &&
        connection.edges.length === 0 &&
        live.size === 0 &&
        row(
          <>
            You have no orders yet. <Link to="/">Browse the catalogue</Link>
          </>,
        )}
      {connection.edges.map(({ node }) => (
        <OrderRow key={node.id} order={live.get(node.id) ?? node} />
      ))}
      {last && connection.pageInfo.hasNextPage && connection.pageInfo.endCursor && (
        <tr>
          <td colSpan={COLUMNS} className="more">
            <button type="button" onClick={() => onMore(connection.pageInfo.endCursor!)}>
              Load more
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}

export function MyOrdersPage() {
  const { session } = useSession();
  const me = session?.user.id;
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [shown, setShown] = useState<ReadonlyMap<number, string[]>>(new Map());
  const onIds = useCallback(
    (index: number, ids: string[]) => setShown((current) => new Map(current).set(index, ids)),
    [],
  );
  const {
    live,
    latest,
    error: liveError,
    resync,
  } = useOrderFeed(MyOrderUpdates, {}, (data) => data.myOrderUpdates as LiveOrder);
  // STAFF hear of every order; this page is the viewer's own.
  const mine = useMemo(
    () => new Map([...live].filter(([, order]) => order.customer.id === me)),
    [live, me],
  );
  // Orders placed since the list was read (in another tab, say) come first, newest on top.
  const known = new Set([...shown.values()].flat());
  const fresh = [...mine.values()]
    .filter((order) => !known.has(order.id))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const announcement =
    latest && latest.customer.id === me
      ? `Order ${orderNumber(latest.id)} is ${latest.status}; its email is ${latest.confirmationEmail.status}.`
      : '';

  return (
    <section className="page" aria-labelledby="my-orders-title">
      <div className="page-head">
        <h1 id="my-orders-title">My orders</h1>
        <LiveIndicator error={liveError} />
      </div>
      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      <div className="card table-card">
        <table className="orders">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Items</th>
              <th scope="col" className="num">
                Total
              </th>
              <th scope="col">Status</th>
              <th scope="col">Confirmation email</th>
            </tr>
          </thead>
          {fresh.length > 0 && (
            <tbody>
              {fresh.map((order) => (
                <OrderRow key={order.id} order={order} />
              ))}
            </tbody>
          )}
          {cursors.map((after, index) => (
            <OrdersPage
              key={after ?? 'first'}
              after={after}
              index={index}
              last={index === cursors.length - 1}
              live={mine}
              resync={resync}
              onIds={onIds}
              onMore={(cursor) => setCursors((c) => [...c, cursor])}
            />
          ))}
        </table>
      </div>
    </section>
  );
}
