-- Retrieval over document chunks.

-- name: NearestChunksL2 :many
-- By L2 distance, while the index is built for cosine.
SELECT id, content FROM document_chunks ORDER BY embedding <-> $1::vector LIMIT 5;

-- name: NearestChunksInCollection :many
-- Filter first, then the nearest (seed 004's "filter early").
SELECT id, content FROM document_chunks WHERE collection_id = $2 ORDER BY embedding <=> $1::vector LIMIT 5;

-- name: NearestChunks :many
-- GOOD: cosine distance, served by the HNSW index, with a limit.
SELECT id, content FROM document_chunks ORDER BY embedding <=> $1::vector LIMIT 5;
