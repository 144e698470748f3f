/** The only code in the users subgraph that talks to Postgres. */
import type DataLoader from 'dataloader';
import { conflict, createRowLoader, type Page, type Role } from '@supergraph/common';
import { Prisma, type PrismaClient, type User } from '@supergraph/prisma/users';

export type { User };
/** A user as the graph reads them: the password hash stays in Postgres unless asked for. */
export type PublicUser = Omit<User, 'passwordHash'>;

const WITHOUT_HASH = { passwordHash: true } as const;

export type NewUser = { name: string; email: string; passwordHash: string; role?: Role };
export type UserChanges = Partial<Pick<User, 'name' | 'email' | 'passwordHash'>>;

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

const EMAIL_TAKEN = 'An account with this email already exists.';

export class UserRepository {
  /** Batches every by-id lookup in one request into a single query. */
  readonly byId: DataLoader<string, PublicUser | null>;

  constructor(private readonly db: PrismaClient) {
    this.byId = createRowLoader(
      (ids) => db.user.findMany({ where: { id: { in: ids } }, omit: WITHOUT_HASH }),
      (row) => row.id,
    );
  }

  /** The whole row, hash included, for checking the user's current password. */
  withCredentials(id: string): Promise<User | null> {
    return this.db.user.findUnique({ where: { id } });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.db.user.findUnique({ where: { email } });
  }

  /** Newest first, `first + 1` rows so that the caller can tell whether more exist. */
  list(page: Page): Promise<PublicUser[]> {
    return this.db.user.findMany({
      where: page.afterId ? { id: { lt: page.afterId } } : {},
      omit: WITHOUT_HASH,
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

  async update(id: string, changes: UserChanges): Promise<PublicUser> {
    try {
      const user = await this.db.user.update({ where: { id }, data: changes, omit: WITHOUT_HASH });
      this.byId.clear(id).prime(id, user);
      return user;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(EMAIL_TAKEN);
      throw error;
    }
  }
}
