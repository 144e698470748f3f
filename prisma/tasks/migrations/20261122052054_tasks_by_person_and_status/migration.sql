-- CreateIndex
CREATE INDEX "tasks_owner_id_status_id_idx" ON "tasks"("owner_id", "status", "id" DESC);

-- CreateIndex
CREATE INDEX "tasks_assignee_id_status_id_idx" ON "tasks"("assignee_id", "status", "id" DESC);
