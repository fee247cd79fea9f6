-- HNSW index for vector similarity search, built without blocking writes.
CREATE INDEX CONCURRENTLY memories_embedding_hnsw_idx
ON memories USING hnsw (embedding vector_cosine_ops)
WITH (m = 16, ef_construction = 64);
