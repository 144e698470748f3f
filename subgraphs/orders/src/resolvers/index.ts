import { DateTime } from '@supergraph/common';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { Mutation } from './mutation.ts';
import { Order, OrderItem } from './order.ts';
import { Product } from './product.ts';
import { Query } from './query.ts';
import { Subscription } from './subscription.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  Subscription,
  Order,
  OrderItem,
  Product,
  User,
};
