/*
  Warnings:

  - A unique constraint covering the columns `[origin_key]` on the table `tasks` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateEnum
CREATE TYPE "TaskKind" AS ENUM ('TODO', 'FULFILMENT');

-- CreateEnum
CREATE TYPE "ReminderStatus" AS ENUM ('SENDING', 'SENT', 'FAILED');

-- CreateEnum
CREATE TYPE "OutboxAction" AS ENUM ('ADD', 'REMOVE');

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "kind" "TaskKind" NOT NULL DEFAULT 'TODO',
ADD COLUMN     "origin_key" VARCHAR(200);

-- CreateTable
CREATE TABLE "reminder_deliveries" (
    "task_id" UUID NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "ReminderStatus" NOT NULL DEFAULT 'SENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" VARCHAR(1000),
    "sent_at" TIMESTAMPTZ(3),
    "claim_token" UUID,
    "claimed_until" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reminder_deliveries_pkey" PRIMARY KEY ("task_id","due_at")
);

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

-- CreateIndex
CREATE UNIQUE INDEX "tasks_origin_key_key" ON "tasks"("origin_key");

-- AddForeignKey
ALTER TABLE "reminder_deliveries" ADD CONSTRAINT "reminder_deliveries_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Wakes the outbox relay when a transaction that wrote messages commits. NOTIFY is delivered
-- only on commit, so a rolled-back change never wakes it; the relay also polls, so a missed
-- notification only delays a message.
CREATE FUNCTION "notify_outbox"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tasks_outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "outbox_notify" AFTER INSERT ON "outbox"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_outbox"();
