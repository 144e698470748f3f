import { useEffect, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { LiveIndicator } from '../components/live-indicator';
import { Empty, ErrorText, Loading, StatusBadge, Unavailable } from '../components/status';
import { failedAt, messageFor } from '../errors';
import { money, when } from '../format';
import { graphql } from '../generated/gql';
import type { OrderDetailFragment } from '../generated/gql/graphql';
import { orderNumber } from '../ids';
import { useOrderFeed } from '../order-feed';

export const OrderDetail = graphql(/* GraphQL */ `
  fragment OrderDetail on Order {
    id
    status
    totalCents
    currency
    createdAt
    confirmationEmail {
      status
      attempts
      sentAt
    }
    items {
      quantity
      unitPriceCents
      product {
        id
        name
        sku
      }
    }
    tasks {
      id
      title
      status
      dueAt
      completedAt
      assignee {
        id
        name
      }
    }
  }
`);

const OrderPageQuery = graphql(/* GraphQL */ `
  query OrderPage($id: ID!) {
    order(id: $id) {
      ...OrderDetail
    }
  }
`);

const OrderUpdated = graphql(/* GraphQL */ `
  subscription OrderUpdated($id: ID!) {
    orderUpdated(id: $id) {
      ...OrderDetail
      version
    }
  }
`);

const CancelOrder = graphql(/* GraphQL */ `
  mutation CancelOrder($id: ID!) {
    cancelOrder(id: $id) {
      ...OrderDetail
    }
  }
`);

const CANCELLABLE = new Set(['PENDING', 'CONFIRMED']);

const EMAIL_WORDS: Record<string, string> = {
  QUEUED: 'waiting to be sent',
  SENDING: 'being sent',
  SENT: 'sent',
  FAILED: 'could not be sent',
};

export function OrderPage() {
  const { id = '' } = useParams();
  const placed = (useLocation().state as { placed?: boolean } | null)?.placed ?? false;
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: OrderPageQuery,
    variables: { id },
  });
  const {
    live,
    error: liveError,
    resync,
  } = useOrderFeed(
    OrderUpdated,
    { id },
    (d) => d.orderUpdated as OrderDetailFragment & { version: number },
  );
  useEffect(() => {
    if (resync > 0) reexecute({ requestPolicy: 'network-only' });
  }, [resync, reexecute]);
  const [cancelState, cancel] = useMutation(CancelOrder);
  const [cancelError, setCancelError] = useState<string | null>(null);

  // The subscription's first event is the order as it is now; later ones, each change.
  const order: OrderDetailFragment | null | undefined = live.get(id) ?? data?.order;

  if (!order) {
    if (fetching) return <Loading what="the order" />;
    if (failedAt(error, ['order'])) {
      return (
        <section className="page">
          <h1>Order</h1>
          <Unavailable>Orders are unavailable right now.</Unavailable>
        </section>
      );
    }
    return (
      <section className="page">
        <h1>Order not found</h1>
        <p>
          There is no such order among yours. <Link to="/orders">See my orders</Link>
        </p>
      </section>
    );
  }

  const tasksFailed = order.tasks == null && failedAt(error, ['order', 'tasks']);
  async function onCancel() {
    setCancelError(null);
    const result = await cancel({ id });
    if (result.error) setCancelError(messageFor(result.error, 'The order could not be cancelled.'));
  }

  return (
    <section className="page" aria-labelledby="order-title">
      <p className="breadcrumbs">
        <Link to="/orders">My orders</Link> / {orderNumber(order.id)}
      </p>
      <div className="page-head">
        <h1 id="order-title">Order {orderNumber(order.id)}</h1>
        <LiveIndicator error={liveError} />
      </div>
      {placed && <p className="notice notice-success">Thank you! Your order has been placed.</p>}
      <div className="order-layout">
        <div className="card">
          <div role="status" aria-live="polite" aria-label="Order status">
            <dl className="facts">
              <div>
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={order.status} />
                </dd>
              </div>
              <div>
                <dt>Confirmation email</dt>
                <dd>
                  <StatusBadge
                    status={order.confirmationEmail.status}
                    label={EMAIL_WORDS[order.confirmationEmail.status]}
                  />
                  {order.confirmationEmail.sentAt && (
                    <span className="muted"> {when(order.confirmationEmail.sentAt)}</span>
                  )}
                </dd>
              </div>
              <div>
                <dt>Placed</dt>
                <dd>{when(order.createdAt)}</dd>
              </div>
            </dl>
          </div>
          <h2>Items</h2>
          <table className="items">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col" className="num">
                  Quantity
                </th>
                <th scope="col" className="num">
                  Unit price
                </th>
                <th scope="col" className="num">
                  Subtotal
                </th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((item) => (
                <tr key={item.product.id}>
                  <th scope="row">{item.product.name}</th>
                  <td className="num">{item.quantity}</td>
                  <td className="num">{money(item.unitPriceCents, order.currency)}</td>
                  <td className="num">
                    {money(item.unitPriceCents * item.quantity, order.currency)}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  Total
                </th>
                <td className="num">
                  <strong>{money(order.totalCents, order.currency)}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
          {CANCELLABLE.has(order.status) && (
            <div className="actions">
              <button type="button" disabled={cancelState.fetching} onClick={onCancel}>
                Cancel order
              </button>
              {cancelError && <ErrorText>{cancelError}</ErrorText>}
            </div>
          )}
        </div>
        <aside className="card" aria-labelledby="order-tasks-title">
          <h2 id="order-tasks-title">Tasks</h2>
          {tasksFailed ? (
            <Unavailable>Tasks are unavailable right now.</Unavailable>
          ) : !order.tasks || order.tasks.length === 0 ? (
            <Empty>No tasks for this order.</Empty>
          ) : (
            <ul className="task-list">
              {order.tasks.map((task) => (
                <li key={task.id} className="task">
                  <div>
                    <span className="task-title">{task.title}</span>
                    <span className="muted">
                      {task.assignee ? ` · ${task.assignee.name}` : ''}
                      {task.dueAt ? ` · due ${when(task.dueAt)}` : ''}
                    </span>
                  </div>
                  <StatusBadge status={task.status} />
                </li>
              ))}
            </ul>
          )}
        </aside>
      </div>
    </section>
  );
}
