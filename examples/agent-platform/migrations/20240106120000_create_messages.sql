-- Chat history of planners and workers. agent_id is indexed, created_at is not,
-- yet every read orders by it.
CREATE TABLE planner_messages (
    id          BIGSERIAL PRIMARY KEY,
    agent_id    VARCHAR(32) NOT NULL,
    role        VARCHAR(16) NOT NULL,
    content     TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_planner_messages_agent_id ON planner_messages (agent_id);

CREATE TABLE worker_messages (
    id          BIGSERIAL PRIMARY KEY,
    agent_id    VARCHAR(32) NOT NULL,
    role        VARCHAR(16) NOT NULL,
    content     TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_worker_messages_agent_id ON worker_messages (agent_id);
