/**
 * Lists that take no `first` argument but that the subgraph serving them cuts at a fixed
 * size. The subgraph applies the bound and the router's cost estimate counts the list at it,
 * rather than at ASSUMED_LIST_SIZE, so both read it from here.
 */
export const LIST_BOUNDS: Readonly<Record<string, number>> = {
  /** An order's tasks: the newest 50 (the tasks subgraph). */
  'Order.tasks': 50,
};

/** The bound on `Order.tasks`. */
export const ORDER_TASKS_LIMIT = LIST_BOUNDS['Order.tasks']!;
