-- The router -> planner -> worker hierarchy of the TaskManager.
CREATE TABLE routers (
    router_id        VARCHAR(32) PRIMARY KEY,
    conversation_id  UUID        NOT NULL REFERENCES conversations (id),
    status           VARCHAR(20) NOT NULL DEFAULT 'idle',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_routers_conversation_id ON routers (conversation_id);

CREATE TABLE planners (
    planner_id  VARCHAR(32) PRIMARY KEY,
    agent_id    UUID        NOT NULL REFERENCES agents (id),
    goal        TEXT        NOT NULL,
    status      VARCHAR(20) NOT NULL DEFAULT 'planning',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_planners_agent_id ON planners (agent_id);

CREATE TABLE workers (
    worker_id         VARCHAR(32) PRIMARY KEY,
    planner_id        VARCHAR(32) NOT NULL REFERENCES planners (planner_id),
    task_description  TEXT        NOT NULL,
    task_status       VARCHAR(50) NOT NULL DEFAULT 'pending',
    result            TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Single-column indexes only, as the original SQLAlchemy models declared them
-- (index=True on each column). The TaskManager filters on both at once.
CREATE INDEX idx_workers_planner_id ON workers (planner_id);
CREATE INDEX idx_workers_task_status ON workers (task_status);

-- Which routers delegated to which planners. Neither foreign key is indexed.
CREATE TABLE router_planner_links (
    link_id     BIGSERIAL PRIMARY KEY,
    router_id   VARCHAR(32) NOT NULL REFERENCES routers (router_id),
    planner_id  VARCHAR(32) NOT NULL REFERENCES planners (planner_id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
