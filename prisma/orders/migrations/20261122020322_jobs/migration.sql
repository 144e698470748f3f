-- CreateEnum
CREATE TYPE "OutboxAction" AS ENUM ('ADD', 'REMOVE');

-- AlterTable
ALTER TABLE "email_deliveries" ADD COLUMN     "claim_token" UUID,
ADD COLUMN     "claimed_until" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "outbox" (
    "id" UUID NOT NULL,
    "queue" VARCHAR(100) NOT NULL,
    "action" "OutboxAction" NOT NULL DEFAULT 'ADD',
    "job_name" VARCHAR(100) NOT NULL,
    "job_id" VARCHAR(200) NOT NULL,
    "payload" JSONB NOT NULL,
    "run_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outbox_dispatched_at_id_idx" ON "outbox"("dispatched_at", "id");

-- Wakes the outbox relay when a transaction that wrote messages commits. NOTIFY is delivered
-- only on commit, so a rolled-back change never wakes it; the relay also polls, so a missed
-- notification only delays a message.
CREATE FUNCTION "notify_outbox"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('orders_outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "outbox_notify" AFTER INSERT ON "outbox"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_outbox"();
