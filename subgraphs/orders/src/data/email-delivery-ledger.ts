import { randomUUID } from 'node:crypto';
import type { Claim, DeliveryLedger } from '@supergraph/mail';
import { Prisma, type PrismaClient } from '@supergraph/prisma/orders';

/** The column's size: a longer reason would fail the very update that records it. */
const MAX_ERROR_LENGTH = 1000;

/**
 * How often a claim is tried again when the row changed between the failed claim and the read
 * that explains it (another attempt just gave its claim back).
 */
const CLAIM_TRIES = 3;

/** The confirmation email of one order, as recorded in `email_deliveries`. */
export class EmailDeliveryLedger implements DeliveryLedger {
  constructor(
    private readonly db: PrismaClient,
    private readonly orderId: string,
  ) {}

  async claim(leaseMs: number): Promise<Claim> {
    for (let tries = 1; ; tries += 1) {
      const token = randomUUID();
      // One statement, so that two attempts cannot both see the row free and both send. The
      // lease is measured on the database's clock, the one every attempt shares. A SENDING row
      // without a lease belongs to no attempt that could finish it, so it is free as well.
      const claimed = await this.db.$executeRaw(Prisma.sql`
        UPDATE "orders"."email_deliveries"
        SET status = 'SENDING'::"orders"."EmailStatus",
            attempts = attempts + 1,
            claim_token = ${token}::uuid,
            claimed_until = now() + ${leaseMs}::float8 * interval '1 millisecond',
            updated_at = now()
        WHERE order_id = ${this.orderId}::uuid
          AND (status = 'QUEUED'::"orders"."EmailStatus"
               OR (status = 'SENDING'::"orders"."EmailStatus"
                   AND (claimed_until IS NULL OR claimed_until < now())))`);
      if (claimed === 1) return { kind: 'claimed', token };
      const row = await this.db.emailDelivery.findUnique({
        where: { orderId: this.orderId },
        select: { status: true, claimedUntil: true },
      });
      // No row: the order is gone, and with it anyone to write to.
      if (!row || row.status === 'SENT' || row.status === 'FAILED') return { kind: 'finished' };
      if (row.status === 'SENDING') return { kind: 'busy', until: row.claimedUntil ?? new Date() };
      // QUEUED again: the holder failed and let go in between. Waiting briefly is as good as
      // claiming once the row keeps changing under us.
      if (tries >= CLAIM_TRIES) return { kind: 'busy', until: new Date() };
    }
  }

  async sent(token: string): Promise<void> {
    await this.db.emailDelivery.updateMany({
      where: { orderId: this.orderId, claimToken: token },
      data: {
        status: 'SENT',
        sentAt: new Date(),
        lastError: null,
        claimToken: null,
        claimedUntil: null,
      },
    });
  }

  async failed(token: string, error: string, final: boolean): Promise<void> {
    await this.db.emailDelivery.updateMany({
      where: { orderId: this.orderId, claimToken: token },
      data: {
        status: final ? 'FAILED' : 'QUEUED',
        lastError: error.slice(0, MAX_ERROR_LENGTH),
        claimToken: null,
        claimedUntil: null,
      },
    });
  }
}
