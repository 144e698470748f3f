import { isUuid } from '@supergraph/common';
import type { Context } from '../context.ts';

export const Product = {
  /** The catalogue is public, so no viewer is needed. */
  __resolveReference(ref: { id: unknown }, { products }: Context) {
    if (typeof ref.id !== 'string' || !isUuid(ref.id)) return null;
    return products.byId.load(ref.id);
  },
};
