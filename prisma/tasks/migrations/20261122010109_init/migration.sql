-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('OPEN', 'DONE', 'CANCELLED');

-- CreateTable
CREATE TABLE "tasks" (
    "id" UUID NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "notes" VARCHAR(5000),
    "status" "TaskStatus" NOT NULL DEFAULT 'OPEN',
    "due_at" TIMESTAMPTZ(3),
    "owner_id" UUID NOT NULL,
    "assignee_id" UUID,
    "order_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tasks_owner_id_id_idx" ON "tasks"("owner_id", "id" DESC);

-- CreateIndex
CREATE INDEX "tasks_assignee_id_id_idx" ON "tasks"("assignee_id", "id" DESC);

-- CreateIndex
CREATE INDEX "tasks_order_id_idx" ON "tasks"("order_id");

-- CreateIndex
CREATE INDEX "tasks_status_id_idx" ON "tasks"("status", "id" DESC);

-- CreateIndex
CREATE INDEX "tasks_due_at_idx" ON "tasks"("due_at");
