-- Agents of an organization, their sessions, and what they remember.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE agents (
    id              UUID PRIMARY KEY,
    organization_id UUID        NOT NULL,
    name            TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_agents_organization_id ON agents (organization_id);

CREATE TABLE sessions (
    id          UUID PRIMARY KEY,
    agent_id    UUID        NOT NULL REFERENCES agents (id),
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_sessions_agent_id ON sessions (agent_id);

CREATE TABLE memories (
    id            BIGSERIAL PRIMARY KEY,
    agent_id      UUID        NOT NULL REFERENCES agents (id),
    session_id    UUID        REFERENCES sessions (id),
    memory_type   TEXT        NOT NULL,
    tier          TEXT        NOT NULL DEFAULT 'working',
    content       TEXT        NOT NULL,
    embedding     vector(1536),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_accessed TIMESTAMPTZ
);

-- One index per column, as the guide lists them: none covers agent_id AND memory_type.
CREATE INDEX idx_memories_agent_id ON memories (agent_id);
CREATE INDEX idx_memories_session_id ON memories (session_id);
CREATE INDEX idx_memories_memory_type ON memories (memory_type);
CREATE INDEX idx_memories_created_at ON memories (created_at);
