import { createEmailJob, type JobDeps } from '@supergraph/email-jobs';
import { PermanentDeliveryError } from '@supergraph/mail';
import type { PrismaClient } from '@supergraph/prisma/orders';
import type { QueueHandlers } from '@supergraph/queues';
import { EmailDeliveries } from '../data/email-deliveries.ts';
import { FulfilmentRepository } from '../data/fulfilment-repository.ts';
import type { OrderEventPublisher } from '../order-event-publisher.ts';
import { renderConfirmation } from './confirmation-email.ts';

export type OrdersProcessorDeps = JobDeps<PrismaClient> & {
  /** Where the changes the jobs make to orders are announced, once committed. */
  orderEvents: OrderEventPublisher;
};

/** The queues the orders service works. */
export type OrdersProcessors = {
  'order-confirmation': QueueHandlers<'order-confirmation'>;
  'order-fulfilment': QueueHandlers<'order-fulfilment'>;
};

export function createOrdersProcessors(deps: OrdersProcessorDeps): OrdersProcessors {
  const { db, users, mailFrom, logger, orderEvents } = deps;
  const fulfilment = new FulfilmentRepository(db, orderEvents);
  const deliveries = new EmailDeliveries(db, orderEvents);
  const sendConfirmation = createEmailJob(
    {
      resolve: async ({ orderId }: { orderId: string }) => orderId,
      ledger: (orderId) => deliveries.ledger(orderId),
      async compose(orderId) {
        const content = await deliveries.content(orderId);
        if (!content) throw new PermanentDeliveryError(`order ${orderId} no longer exists`);
        const recipient = await users.get(content.order.customerId);
        if (!recipient) {
          throw new PermanentDeliveryError(
            `customer ${content.order.customerId} of order ${orderId} no longer exists`,
          );
        }
        return renderConfirmation({ ...content, recipient, from: mailFrom });
      },
    },
    deps,
  );

  return {
    'order-confirmation': {
      async 'send-confirmation'(data, job, token) {
        const outcome = await sendConfirmation(data, job, token);
        if (outcome === 'skipped') {
          logger.debug(
            { orderId: data.orderId },
            'order confirmation already sent or given up; skipped',
          );
        }
      },
    },
    'order-fulfilment': {
      async 'fulfilment-started'({ orderId, taskId }) {
        if (!(await fulfilment.markConfirmed(orderId))) {
          // Late, repeated or after a cancellation: the order has moved on already.
          logger.debug(
            { orderId, taskId },
            'fulfilment started, order no longer PENDING; unchanged',
          );
        }
      },
      async 'fulfilment-completed'({ orderId, taskId }) {
        if (!(await fulfilment.markFulfilled(orderId))) {
          logger.debug(
            { orderId, taskId },
            'fulfilment completed, order neither PENDING nor CONFIRMED; unchanged',
          );
        }
      },
    },
  };
}
