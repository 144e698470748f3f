import { isStaff, type Viewer } from '@supergraph/common';
import type { Order } from '../data/order-repository.ts';

/** Customers see only their own orders; staff see every order. */
export function canSeeOrder(viewer: Viewer, order: Pick<Order, 'customerId'>): boolean {
  return isStaff(viewer) || order.customerId === viewer.id;
}
