import type { Viewer } from '@supergraph/common';
import type { PrismaClient } from '@supergraph/prisma/orders';
import { OrderRepository } from './data/order-repository.ts';
import { ProductRepository } from './data/product-repository.ts';
import type { OrderEventPublisher } from './order-event-publisher.ts';

/** What a resolver gets: who is asking, and request-scoped data access. */
export type Context = {
  viewer: Viewer | null;
  products: ProductRepository;
  orders: OrderRepository;
};

export type ContextDeps = { db: PrismaClient; orderEvents: OrderEventPublisher };

export function createContext(deps: ContextDeps, viewer: Viewer | null): Context {
  return {
    viewer,
    products: new ProductRepository(deps.db),
    orders: new OrderRepository(deps.db, deps.orderEvents),
  };
}
