-- Chunks of documents for retrieval, 768-dimension embeddings, with seed 002's HNSW index.
CREATE TABLE document_chunks (
    id            BIGSERIAL PRIMARY KEY,
    collection_id BIGINT      NOT NULL,
    content       TEXT        NOT NULL,
    embedding     vector(768) NOT NULL
);

CREATE INDEX idx_document_chunks_collection_id ON document_chunks (collection_id);

-- Vector index for semantic search (HNSW algorithm)
CREATE INDEX CONCURRENTLY idx_chunks_embedding_hnsw ON document_chunks
  USING hnsw (embedding vector_cosine_ops)
  WITH (m = 16, ef_construction = 64);
