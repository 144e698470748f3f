import type DataLoader from 'dataloader';
import { createRowLoader, type Page } from '@supergraph/common';
import type { PrismaClient, Product } from '@supergraph/prisma/orders';

export type { Product };

export class ProductRepository {
  /** Batches every by-id lookup in one request into a single query. */
  readonly byId: DataLoader<string, Product | null>;

  constructor(private readonly db: PrismaClient) {
    this.byId = createRowLoader(
      (ids) => db.product.findMany({ where: { id: { in: ids } } }),
      (row) => row.id,
    );
  }

  /** Newest first, `first + 1` rows so that the caller can tell whether more exist. */
  list(page: Page): Promise<Product[]> {
    return this.db.product.findMany({
      where: page.afterId ? { id: { lt: page.afterId } } : {},
      orderBy: { id: 'desc' },
      take: page.first + 1,
    });
  }
}
