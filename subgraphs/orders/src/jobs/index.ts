export {
  createOrdersProcessors,
  type OrdersProcessorDeps,
  type OrdersProcessors,
} from './processors.ts';
export {
  orderReference,
  renderConfirmation,
  type ConfirmationEmailInput,
} from './confirmation-email.ts';
export { createOrdersOutbox } from '../data/outbox-repository.ts';
export {
  createOrderEventPublisher,
  type OrderEventPublisher,
  type OrderEventPublisherOptions,
} from '../order-event-publisher.ts';
export type {
  ConfirmationContent,
  ConfirmationLine,
  ConfirmationOrder,
} from '../data/email-deliveries.ts';
