import { isUuid } from '@supergraph/common';
import type { Logger } from '@supergraph/observability';
import type { PrismaClient } from '@supergraph/prisma/tasks';
import { UnrecoverableError, type OrderEvent, type QueueHandlers } from '@supergraph/queues';
import { FulfilmentRepository } from '../data/fulfilment-repository.ts';

export type FulfilmentDeps = { db: PrismaClient; logger: Logger };

/** Ids are compared and stored lower-cased; a malformed event would fail on every retry. */
function validEvent(data: OrderEvent): OrderEvent {
  if (!isUuid(data.orderId) || !isUuid(data.customerId)) {
    throw new UnrecoverableError('order event without valid orderId and customerId');
  }
  return { orderId: data.orderId.toLowerCase(), customerId: data.customerId.toLowerCase() };
}

/**
 * What the orders service reports about orders. Both handlers are idempotent, and either may
 * arrive first: events of one order can overtake each other in the queue.
 */
export function createFulfilmentProcessors(deps: FulfilmentDeps): QueueHandlers<'task-fulfilment'> {
  const fulfilment = new FulfilmentRepository(deps.db);
  return {
    async 'order-placed'(data) {
      const event = validEvent(data);
      const outcome = await fulfilment.start(event);
      deps.logger.debug({ orderId: event.orderId, outcome }, 'order placed: fulfilment task');
    },

    async 'order-cancelled'(data) {
      const event = validEvent(data);
      const cancelled = await fulfilment.cancel(event);
      deps.logger.debug({ orderId: event.orderId, cancelled }, 'order cancelled: tasks cancelled');
    },
  };
}
