import {
  createDeliveryLedgers,
  type Attempt,
  type Claim,
  type DeliveryLedger,
  type DeliveryState,
  type DeliveryTable,
} from '@supergraph/email-jobs';
import type { PrismaClient } from '@supergraph/prisma/tasks';

/** One reminder: a task and the due date it reminds of. A new due date is a new reminder. */
type Reminder = { taskId: string; dueAt: Date };

type Row = { status: 'SENDING' | 'SENT' | 'FAILED'; claimed_until: Date | null };

const reminderId = ({ taskId, dueAt }: Reminder) =>
  `${taskId.toLowerCase()}\u0000${dueAt.getTime()}`;

/** The ledger table of reminders, one row per task and due date, created by the first claim. */
function reminderDeliveries(db: PrismaClient): DeliveryTable<Reminder> {
  return {
    id: reminderId,

    async claim(attempts, leaseMs) {
      const claimed = await Promise.all(
        attempts.map(
          // Selecting from the task makes a claim for a deleted task claim nothing.
          ({ key, token }) => db.$queryRaw<Array<{ token: string }>>`
            INSERT INTO "tasks"."reminder_deliveries" AS d
              (task_id, due_at, status, attempts, claim_token, claimed_until, updated_at)
            SELECT t.id, ${key.dueAt}::timestamptz, 'SENDING'::"tasks"."ReminderStatus", 1,
              ${token}::uuid, now() + ${leaseMs}::int * interval '1 millisecond', now()
            FROM "tasks"."tasks" t WHERE t.id = ${key.taskId}::uuid
            ON CONFLICT (task_id, due_at) DO UPDATE SET
              attempts = d.attempts + 1,
              claim_token = EXCLUDED.claim_token,
              claimed_until = EXCLUDED.claimed_until,
              updated_at = now()
            WHERE d.status = 'SENDING'::"tasks"."ReminderStatus"
              AND (d.claimed_until IS NULL OR d.claimed_until < now())
            RETURNING d.claim_token::text AS token`,
        ),
      );
      return claimed.flat().map((row) => row.token);
    },

    async states(keys) {
      const states = new Map<string, DeliveryState>();
      for (const key of keys) {
        const [row] = await db.$queryRaw<Row[]>`
          SELECT status::text AS status, claimed_until FROM "tasks"."reminder_deliveries"
          WHERE task_id = ${key.taskId}::uuid AND due_at = ${key.dueAt}::timestamptz`;
        if (row)
          states.set(reminderId(key), { status: row.status, claimedUntil: row.claimed_until });
      }
      return states;
    },

    async renew({ key, token }, leaseMs) {
      const renewed = await db.$executeRaw`
        UPDATE "tasks"."reminder_deliveries"
        SET claimed_until = now() + ${leaseMs}::int * interval '1 millisecond'
        WHERE task_id = ${key.taskId}::uuid AND due_at = ${key.dueAt}::timestamptz
          AND claim_token = ${token}::uuid AND status = 'SENDING'::"tasks"."ReminderStatus"`;
      return renewed > 0;
    },

    async markSent(attempts) {
      for (const { key, token } of attempts) {
        await db.$executeRaw`
          UPDATE "tasks"."reminder_deliveries"
          SET status = 'SENT'::"tasks"."ReminderStatus", sent_at = now(), last_error = NULL,
            claim_token = NULL, claimed_until = NULL, updated_at = now()
          WHERE task_id = ${key.taskId}::uuid AND due_at = ${key.dueAt}::timestamptz
            AND claim_token = ${token}::uuid`;
      }
    },

    async markFailed({ key, token }: Attempt<Reminder>, error, final) {
      // A free reminder is SENDING without a claim: the table has no separate waiting state.
      const status = final ? 'FAILED' : 'SENDING';
      await db.$executeRaw`
        UPDATE "tasks"."reminder_deliveries"
        SET status = ${status}::"tasks"."ReminderStatus", last_error = ${error},
          claim_token = NULL, claimed_until = NULL, updated_at = now()
        WHERE task_id = ${key.taskId}::uuid AND due_at = ${key.dueAt}::timestamptz
          AND claim_token = ${token}::uuid`;
    },
  };
}

/** The delivery record of the reminder for one task and due date. */
export class ReminderLedger implements DeliveryLedger {
  private readonly ledger: DeliveryLedger;

  constructor(db: PrismaClient, taskId: string, dueAt: Date) {
    this.ledger = createDeliveryLedgers(reminderDeliveries(db))({ taskId, dueAt });
  }

  claim(leaseMs: number): Promise<Claim> {
    return this.ledger.claim(leaseMs);
  }

  renew(token: string, leaseMs: number): Promise<boolean> {
    return this.ledger.renew(token, leaseMs);
  }

  sent(token: string): Promise<void> {
    return this.ledger.sent(token);
  }

  failed(token: string, error: string, final: boolean): Promise<void> {
    return this.ledger.failed(token, error, final);
  }
}
