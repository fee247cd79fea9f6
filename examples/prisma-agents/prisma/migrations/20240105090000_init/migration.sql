-- CreateTable
CREATE TABLE "agents" (
    "id" SERIAL NOT NULL,
    "tenant_id" INTEGER NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "status" VARCHAR(20) NOT NULL DEFAULT 'idle',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tasks" (
    "id" SERIAL NOT NULL,
    "agent_id" INTEGER NOT NULL,
    "title" VARCHAR(300) NOT NULL,
    "status" VARCHAR(20) NOT NULL DEFAULT 'todo',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "documents" (
    "id" SERIAL NOT NULL,
    "collection_id" INTEGER NOT NULL,
    "title" VARCHAR(300) NOT NULL,
    "content" TEXT,

    CONSTRAINT "documents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "planners" (
    "planner_id" VARCHAR(32) NOT NULL,
    "agent_id" INTEGER NOT NULL,
    "status" VARCHAR(20) NOT NULL DEFAULT 'planning',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "planners_pkey" PRIMARY KEY ("planner_id")
);

-- CreateTable
CREATE TABLE "workers" (
    "worker_id" VARCHAR(32) NOT NULL,
    "planner_id" VARCHAR(32) NOT NULL,
    "task_status" VARCHAR(50) NOT NULL DEFAULT 'pending',
    "task_context" TEXT,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workers_pkey" PRIMARY KEY ("worker_id")
);

-- CreateIndex
CREATE INDEX "agents_tenant_id_idx" ON "agents"("tenant_id");

-- CreateIndex
CREATE INDEX "tasks_agent_id_idx" ON "tasks"("agent_id");

-- CreateIndex
CREATE INDEX "documents_collection_id_idx" ON "documents"("collection_id");

-- CreateIndex
CREATE INDEX "planners_agent_id_idx" ON "planners"("agent_id");

-- CreateIndex
CREATE INDEX "workers_planner_id_idx" ON "workers"("planner_id");

-- CreateIndex
CREATE INDEX "workers_task_status_idx" ON "workers"("task_status");

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "planners" ADD CONSTRAINT "planners_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workers" ADD CONSTRAINT "workers_planner_id_fkey" FOREIGN KEY ("planner_id") REFERENCES "planners"("planner_id") ON DELETE RESTRICT ON UPDATE CASCADE;
