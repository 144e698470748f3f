/** The only code in the users subgraph that talks to Postgres. */
import type DataLoader from 'dataloader';
import { conflict, createRowLoader, type Page, type Role } from '@supergraph/common';
import { Prisma, type PrismaClient, type User } from '@supergraph/prisma/users';

export type { User };

export type NewUser = { name: string; email: string; passwordHash: string; role?: Role };
export type UserChanges = Partial<Pick<User, 'name' | 'email' | 'passwordHash'>>;

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

const EMAIL_TAKEN = 'An account with this email already exists.';

export class UserRepository {
  /** Batches every by-id lookup in one request into a single query. */
  readonly byId: DataLoader<string, User | null>;

  constructor(private readonly db: PrismaClient) {
    this.byId = createRowLoader(
      (ids) => db.user.findMany({ where: { id: { in: ids } } }),
      (row) => row.id,
    );
  }

  findByEmail(email: string): Promise<User | null> {
    return this.db.user.findUnique({ where: { email } });
  }

  /** Newest first, `first + 1` rows so that the caller can tell whether more exist. */
  list(page: Page): Promise<User[]> {
    return this.db.user.findMany({
      where: page.afterId ? { id: { lt: page.afterId } } : {},
      orderBy: { id: 'desc' },
      take: page.first + 1,
    });
  }

  async create(user: NewUser): Promise<User> {
    try {
      return await this.db.user.create({ data: user });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(EMAIL_TAKEN);
      throw error;
    }
  }

  async update(id: string, changes: UserChanges): Promise<User> {
    try {
      const user = await this.db.user.update({ where: { id }, data: changes });
      this.byId.clear(id).prime(id, user);
      return user;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(EMAIL_TAKEN);
      throw error;
    }
  }
}
