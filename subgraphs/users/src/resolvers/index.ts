import { DateTime } from '@supergraph/common';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = { DateTime, Query, Mutation, User };
