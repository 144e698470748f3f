import DataLoader from 'dataloader';
import { isUuid, type Page } from '@supergraph/common';
import type { PrismaClient, Product } from '@supergraph/prisma/orders';

export type { Product };

/** Prisma returns ids lower-cased; callers may send any case. */
function byLowerId<T extends { id: string }>(rows: readonly T[]): Map<string, T> {
  return new Map(rows.map((row) => [row.id.toLowerCase(), row]));
}

export class ProductRepository {
  /** Batches every by-id lookup in one request into a single query. */
  readonly byId: DataLoader<string, Product | null>;

  constructor(private readonly db: PrismaClient) {
    this.byId = new DataLoader(async (ids) => {
      const valid = ids.filter(isUuid);
      const rows = valid.length ? await db.product.findMany({ where: { id: { in: valid } } }) : [];
      const found = byLowerId(rows);
      return ids.map((id) => found.get(id.toLowerCase()) ?? null);
    });
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
