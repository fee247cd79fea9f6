/** Seed 004's memories table, with and without its HNSW index, for the pgvector rule tests. */
export const MEMORIES = (dimension = 1536) =>
  `CREATE EXTENSION IF NOT EXISTS vector;\nCREATE TABLE memories (id bigserial PRIMARY KEY, tier text NOT NULL, content text NOT NULL, embedding vector(${dimension}));\n`;

export const HNSW_COSINE = 'CREATE INDEX memories_embedding_hnsw_idx ON memories USING hnsw (embedding vector_cosine_ops) WITH (m = 48, ef_construction = 200);\n';
