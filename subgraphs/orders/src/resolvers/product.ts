import { isUuid, type ExpectNone, type UnresolvedFields } from '@supergraph/common';
import type { Product as ProductRow } from '../data/product-repository.ts';
import type { Product as ProductFields, ProductResolvers } from '../generated/resolvers-types.ts';

export const Product = {
  /** The catalogue is public, so no viewer is needed. */
  __resolveReference(ref, { products }) {
    // Representations are unchecked JSON from the caller, whatever the type says.
    if (typeof ref.id !== 'string' || !isUuid(ref.id)) return null;
    return products.byId.load(ref.id);
  },
} satisfies ProductResolvers;

// `satisfies` keeps the fields resolved above in `typeof Product`: none, so every field is
// read off the row.
type _ProductRowFields = ExpectNone<UnresolvedFields<ProductFields, ProductRow, typeof Product>>;
