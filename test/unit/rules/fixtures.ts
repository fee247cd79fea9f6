/** Schemas the rule tests share: the seed's agent database, as DDL. */
export const AGENT_SCHEMA = `CREATE TABLE planners (
    planner_id text PRIMARY KEY,
    name text NOT NULL,
    status text
);

CREATE TABLE workers (
    worker_id text PRIMARY KEY,
    planner_id text NOT NULL REFERENCES planners (planner_id),
    task_status text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX idx_workers_planner_id ON workers (planner_id);
CREATE INDEX idx_workers_task_status ON workers (task_status);

CREATE TABLE planner_messages (
    id integer PRIMARY KEY,
    agent_id text NOT NULL,
    body text,
    created_at timestamptz NOT NULL
);
CREATE INDEX idx_planner_messages_agent_id ON planner_messages (agent_id);
`;
