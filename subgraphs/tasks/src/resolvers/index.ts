import { DateTime } from '@supergraph/common';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { Mutation } from './mutation.ts';
import { Order } from './order.ts';
import { Query } from './query.ts';
import { Task } from './task.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = { DateTime, Query, Mutation, Task, User, Order };
