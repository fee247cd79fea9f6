-- Recall for an agent: seed 004's similarity queries.

-- name: NearestMemories :many
-- The ten memories nearest to the prompt.
SELECT id, content FROM memories ORDER BY embedding <=> $1::vector LIMIT 10;

-- name: RankAllMemories :many
-- Every working memory, nearest first.
SELECT id, content, embedding <=> $1::vector AS distance FROM memories WHERE tier = 'working' ORDER BY distance;
