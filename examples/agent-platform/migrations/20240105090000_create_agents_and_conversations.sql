-- Agents belong to a tenant and are addressed by (tenant_id, slug).
CREATE TABLE agents (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID        NOT NULL,
    slug        VARCHAR(64) NOT NULL,
    name        TEXT        NOT NULL,
    status      VARCHAR(20) NOT NULL DEFAULT 'active',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ
);

CREATE INDEX idx_agents_tenant_id ON agents (tenant_id);
-- A slug is unique per tenant. This index serves every lookup the one above serves,
-- so idx_agents_tenant_id is redundant.
CREATE UNIQUE INDEX idx_agents_tenant_slug ON agents (tenant_id, slug);

CREATE TABLE conversations (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_id    UUID        NOT NULL REFERENCES agents (id),
    user_id     UUID        NOT NULL,
    title       TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_conversations_agent_id ON conversations (agent_id);
CREATE INDEX idx_conversations_user_id ON conversations (user_id);
