-- Documents the agents retrieve from. Titles are searched by substring.
CREATE TABLE documents (
    id             BIGSERIAL PRIMARY KEY,
    collection_id  UUID        NOT NULL,
    title          TEXT        NOT NULL,
    content        TEXT        NOT NULL,
    status         VARCHAR(20) NOT NULL DEFAULT 'ready',
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_documents_collection_status ON documents (collection_id, status);
