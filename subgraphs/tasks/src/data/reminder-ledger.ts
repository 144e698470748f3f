import { randomUUID } from 'node:crypto';
import type { Claim, DeliveryLedger } from '@supergraph/mail';
import type { PrismaClient } from '@supergraph/prisma/tasks';

type LedgerState = { status: 'SENDING' | 'SENT' | 'FAILED'; claimed_until: Date | null };

/**
 * The delivery record of the reminder for one task and due date. Times come from Postgres's
 * clock alone, so that workers with skewed clocks agree on when a claim has lapsed.
 */
export class ReminderLedger implements DeliveryLedger {
  constructor(
    private readonly db: PrismaClient,
    private readonly taskId: string,
    private readonly dueAt: Date,
  ) {}

  async claim(leaseMs: number): Promise<Claim> {
    const token = randomUUID();
    // One statement, so that two attempts cannot both see the row free and both claim it.
    // Selecting from the task makes a claim for a deleted task claim nothing.
    const claimed = await this.db.$queryRaw<Array<{ token: string }>>`
      INSERT INTO "tasks"."reminder_deliveries" AS d
        (task_id, due_at, status, attempts, claim_token, claimed_until, updated_at)
      SELECT t.id, ${this.dueAt}::timestamptz, 'SENDING'::"tasks"."ReminderStatus", 1,
        ${token}::uuid, now() + ${leaseMs}::int * interval '1 millisecond', now()
      FROM "tasks"."tasks" t WHERE t.id = ${this.taskId}::uuid
      ON CONFLICT (task_id, due_at) DO UPDATE SET
        attempts = d.attempts + 1,
        claim_token = EXCLUDED.claim_token,
        claimed_until = EXCLUDED.claimed_until,
        updated_at = now()
      WHERE d.status = 'SENDING'::"tasks"."ReminderStatus"
        AND (d.claimed_until IS NULL OR d.claimed_until < now())
      RETURNING d.claim_token::text AS token`;
    if (claimed[0]) return { kind: 'claimed', token: claimed[0].token };
    const [state] = await this.db.$queryRaw<LedgerState[]>`
      SELECT status::text AS status, claimed_until FROM "tasks"."reminder_deliveries"
      WHERE task_id = ${this.taskId}::uuid AND due_at = ${this.dueAt}::timestamptz`;
    // No row: the task is gone, and with it any reason to send.
    if (!state || state.status !== 'SENDING') return { kind: 'finished' };
    // A claim that lapsed between the two statements is free again: retry soon.
    return { kind: 'busy', until: state.claimed_until ?? new Date() };
  }

  async sent(token: string): Promise<void> {
    await this.db.$executeRaw`
      UPDATE "tasks"."reminder_deliveries"
      SET status = 'SENT'::"tasks"."ReminderStatus", sent_at = now(), last_error = NULL,
        claim_token = NULL, claimed_until = NULL, updated_at = now()
      WHERE task_id = ${this.taskId}::uuid AND due_at = ${this.dueAt}::timestamptz
        AND claim_token = ${token}::uuid`;
  }

  async failed(token: string, error: string, final: boolean): Promise<void> {
    // A non-final failure frees the claim at once: the retry is this job's own, scheduled by
    // its backoff, and must not wait for the lease to lapse as well.
    const status = final ? 'FAILED' : 'SENDING';
    await this.db.$executeRaw`
      UPDATE "tasks"."reminder_deliveries"
      SET status = ${status}::"tasks"."ReminderStatus", last_error = left(${error}, 1000),
        claim_token = NULL, claimed_until = NULL, updated_at = now()
      WHERE task_id = ${this.taskId}::uuid AND due_at = ${this.dueAt}::timestamptz
        AND claim_token = ${token}::uuid`;
  }
}
