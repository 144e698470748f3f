import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { LiveIndicator } from '../components/live-indicator';
import { ErrorText, StatusBadge, Unavailable } from '../components/status';
import { failedAt, messageFor } from '../errors';
import { money, when } from '../format';
import { graphql } from '../generated/gql';
import type { OrderStatus, StaffOrderFragment } from '../generated/gql/graphql';
import { orderNumber } from '../ids';
import { useOrderFeed } from '../order-feed';

const PAGE_SIZE = 20;
const STATUSES: OrderStatus[] = ['PENDING', 'CONFIRMED', 'FULFILLED', 'CANCELLED'];

graphql(/* GraphQL */ `
  fragment StaffOrder on Order {
    id
    status
    totalCents
    currency
    createdAt
    customer {
      id
      name
      email
    }
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
    tasks {
      id
      title
      status
      assignee {
        id
        name
      }
    }
  }
`);

const AllOrders = graphql(/* GraphQL */ `
  query AllOrders($first: Int!, $after: String, $status: OrderStatus) {
    orders(first: $first, after: $after, status: $status) {
      edges {
        node {
          ...StaffOrder
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const StaffOrderUpdates = graphql(/* GraphQL */ `
  subscription StaffOrderUpdates {
    myOrderUpdates {
      ...StaffOrder
      version
    }
  }
`);

const CompleteFulfilment = graphql(/* GraphQL */ `
  mutation CompleteFulfilment($id: ID!) {
    completeTask(id: $id) {
      id
      status
      completedAt
    }
  }
`);

type Task = NonNullable<StaffOrderFragment['tasks']>[number];

function FulfilmentTask({ task }: { task: Task }) {
  const [{ fetching }, complete] = useMutation(CompleteFulfilment);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="fulfilment">
      <div>
        <span id={`task-${task.id}`} className="task-title">
          {task.title}
        </span>
        {task.assignee && <span className="muted"> · {task.assignee.name}</span>}
      </div>
      <StatusBadge status={task.status} />
      {task.status === 'OPEN' && (
        <button
          type="button"
          aria-describedby={`task-${task.id}`}
          disabled={fetching}
          onClick={async () => {
            setError(null);
            const result = await complete({ id: task.id });
            if (result.error)
              setError(messageFor(result.error, 'The task could not be completed.'));
          }}
        >
          Complete
        </button>
      )}
      {error && <ErrorText>{error}</ErrorText>}
    </div>
  );
}

function StaffOrderCard({
  order,
  tasksFailed,
}: {
  order: StaffOrderFragment;
  tasksFailed: boolean;
}) {
  // The fulfilment saga's task, and any to-do someone tied to the order.
  const tasks = order.tasks ?? [];
  return (
    <li className="card staff-order" aria-labelledby={`order-${order.id}`}>
      <div className="staff-order-head">
        <h2 id={`order-${order.id}`}>
          <Link to={`/orders/${order.id}`}>Order {orderNumber(order.id)}</Link>
        </h2>
        <StatusBadge status={order.status} />
        <span className="muted">
          Email <StatusBadge status={order.confirmationEmail.status} />
        </span>
        <strong className="staff-order-total">{money(order.totalCents, order.currency)}</strong>
      </div>
      <p className="muted">
        {order.customer.name} · {order.customer.email} · {when(order.createdAt)}
      </p>
      <p className="items-line">
        {order.items.map((item) => `${item.quantity} × ${item.product.name}`).join(', ')}
      </p>
      {order.tasks == null && tasksFailed ? (
        <Unavailable>Tasks are unavailable right now.</Unavailable>
      ) : tasks.length === 0 ? (
        <p className="empty">No tasks for this order yet.</p>
      ) : (
        tasks.map((task) => <FulfilmentTask key={task.id} task={task} />)
      )}
    </li>
  );
}

function StaffOrdersPageChunk({
  after,
  status,
  index,
  last,
  live,
  resync,
  onIds,
  onMore,
}: {
  after: string | null;
  status: OrderStatus | null;
  index: number;
  last: boolean;
  live: ReadonlyMap<string, StaffOrderFragment>;
  resync: number;
  onIds: (index: number, ids: string[]) => void;
  onMore: (cursor: string) => void;
}) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: AllOrders,
    variables: { first: PAGE_SIZE, after, status },
  });
  useEffect(() => {
    if (resync > 0) reexecute({ requestPolicy: 'network-only' });
  }, [resync, reexecute]);
  const connection = data?.orders;
  const ids = useMemo(() => connection?.edges.map((e) => e.node.id) ?? [], [connection]);
  useEffect(() => onIds(index, ids), [index, ids, onIds]);

  if (!connection) {
    if (fetching) return <li className="loading">Loading orders…</li>;
    return (
      <li>
        {failedAt(error, ['orders']) ? (
          <Unavailable>Orders are unavailable right now.</Unavailable>
        ) : (
          <ErrorText>{messageFor(error, 'The orders could not be loaded.')}</ErrorText>
        )}
      </li>
    );
  }
  const tasksFailed = (i: number) => failedAt(error, ['orders', 'edges', i, 'node', 'tasks']);
  return (
    <>
      {index === 0 && connection.edges.length === 0 && (
        <li className="empty">{status ? `No ${status} orders.` : 'There are no orders yet.'}</li>
      )}
      {connection.edges.map(({ node }, i) => {
        const current = live.get(node.id);
        // A live copy only counts while the order still matches the filter.
        const order = current && (!status || current.status === status) ? current : node;
        return <StaffOrderCard key={node.id} order={order} tasksFailed={tasksFailed(i)} />;
      })}
      {last && connection.pageInfo.hasNextPage && connection.pageInfo.endCursor && (
        <li className="more">
          <button type="button" onClick={() => onMore(connection.pageInfo.endCursor!)}>
            Load more
          </button>
        </li>
      )}
    </>
  );
}

export function StaffOrdersPage() {
  const [status, setStatus] = useState<OrderStatus | null>(null);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [shown, setShown] = useState<ReadonlyMap<number, string[]>>(new Map());
  const onIds = useCallback(
    (index: number, ids: string[]) => setShown((current) => new Map(current).set(index, ids)),
    [],
  );
  const {
    live,
    error: liveError,
    resync,
  } = useOrderFeed(
    StaffOrderUpdates,
    {},
    (data) => data.myOrderUpdates as StaffOrderFragment & { version: number },
  );
  const known = new Set([...shown.values()].flat());
  const fresh = [...live.values()]
    .filter((order) => !known.has(order.id) && (!status || order.status === status))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  function filter(next: string) {
    setStatus(next ? (next as OrderStatus) : null);
    setCursors([null]);
    setShown(new Map());
  }

  return (
    <section className="page" aria-labelledby="all-orders-title">
      <div className="page-head">
        <h1 id="all-orders-title">All orders</h1>
        <LiveIndicator error={liveError} />
        <label className="filter">
          Status
          <select value={status ?? ''} onChange={(e) => filter(e.target.value)}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ul className="staff-orders">
        {fresh.map((order) => (
          <StaffOrderCard key={order.id} order={order} tasksFailed={false} />
        ))}
        {cursors.map((after, index) => (
          <StaffOrdersPageChunk
            key={`${status ?? 'all'}:${after ?? 'first'}`}
            after={after}
            status={status}
            index={index}
            last={index === cursors.length - 1}
            live={live}
            resync={resync}
            onIds={onIds}
            onMore={(cursor) => setCursors((c) => [...c, cursor])}
          />
        ))}
      </ul>
    </section>
  );
}
