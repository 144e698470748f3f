import { subgraphCodegenConfig } from '@supergraph/subgraph/codegen-config';

// A row has `customerId` where the type has `customer`.
export default subgraphCodegenConfig({
  Order: '../data/order-repository.ts#Order as OrderRow',
  OrderItem: '../data/order-repository.ts#OrderItem as OrderItemRow',
  Product: '../data/product-repository.ts#Product as ProductRow',
});
