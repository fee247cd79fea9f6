-- What an agent remembers, as seed 004's memories table: tiers and 384-dimension embeddings.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE memories (
    id          BIGSERIAL PRIMARY KEY,
    agent_id    UUID        NOT NULL,
    tier        TEXT        NOT NULL DEFAULT 'working',
    content     TEXT        NOT NULL,
    embedding   vector(384) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_memories_agent_id ON memories (agent_id);
