/**
 * Seeds 000 (AgentMem, sqlx), 003 (Jamey memory store, Rust) and 004 (codex
 * memory tuning, PostgreSQL + pgvector): their SQL and Rust examples over the
 * memories schema they imply.
 */
import assert from 'node:assert/strict';
import { findingsIn, flaggedBy, initAllParsers, seedWorkspace } from './helpers';

const SCHEMA = `CREATE TABLE users (id uuid PRIMARY KEY, email text NOT NULL);
CREATE TABLE agents (id uuid PRIMARY KEY, organization_id uuid NOT NULL, name text NOT NULL);
CREATE INDEX idx_agents_organization_id ON agents (organization_id);
CREATE TABLE memories (
    id bigserial PRIMARY KEY,
    agent_id uuid NOT NULL REFERENCES agents (id),
    memory_type text NOT NULL,
    tier text NOT NULL DEFAULT 'working',
    content text NOT NULL,
    embedding vector(1536),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_accessed timestamptz
);
CREATE INDEX idx_memories_agent_id ON memories (agent_id);
CREATE INDEX idx_memories_memory_type ON memories (memory_type);
CREATE INDEX idx_memories_created_at ON memories (created_at);
`;
const MIGRATION = 'migrations/20240101000000_init.sql';
const workspace = (files: Record<string, string>) => seedWorkspace({ [MIGRATION]: SCHEMA, ...files }, 'postgres');

describe('seeds 000, 003, 004: memory stores (Rust, sqlx, pgvector)', () => {
  before(initAllParsers);

  describe('seed 000: AgentMem', () => {
    it('the retried user lookup by primary key (fetch_one) is flagged neither unpaginated-query nor missing-index', () => {
      const code = `pub async fn user(manager: &PoolManager, user_id: Uuid) -> Result<User, CoreError> {
    let result = manager.execute_with_retry(3, |pool| async move {
        sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&pool)
            .await
            .map_err(|e| CoreError::Database(e.to_string()))
    }).await?;
    Ok(result)
}
`;
      const ws = workspace({ 'src/users.rs': code });
      // SELECT * is reported on its own (info); the lookup itself is fine.
      assert.deepEqual(findingsIn(ws, 'src/users.rs'), ['select-star: *']);
    });
  });

  describe('seed 003: Jamey memory store', () => {
    // "Bad: Multiple individual queries": the SQL is inside store.retrieve (not shown),
    // and the loop walks a list of ids, not the rows of an earlier query. n-plus-one
    // reports only the latter (docs/rules/n-plus-one.md, Limits): the list's length is unknown.
    it.skip('"Bad: Multiple individual queries" (for id in ids { store.retrieve(id).await?; }): the query is behind a method and the loop walks a parameter list', () => {});

    // "Bad: Loading all memories at once": session.list_memories() is an in-memory
    // session API in the seed; no SQL is visible to check.
    it.skip('"Bad: Loading all memories at once" (session.list_memories()): no SQL visible', () => {});

    it('the same "one query per id" written with sqlx inline, over a parameter list, is not reported (documented limit)', () => {
      const code = `pub async fn retrieve_each(pool: &PgPool, ids: &[i64]) -> sqlx::Result<()> {
    for id in ids {
        sqlx::query("SELECT id, content FROM memories WHERE id = $1").bind(id).fetch_one(pool).await?;
    }
    Ok(())
}
`;
      assert.deepEqual(flaggedBy(workspace({ 'src/store.rs': code }), 'src/store.rs', 'n-plus-one'), []);
    });

    const batch = `pub async fn retrieve_batch(pool: &PgPool, ids: &[i64]) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, content FROM memories WHERE id = ANY($1)").bind(ids).fetch_all(pool).await
}
`;
    it('"Good: Single batch query" as one sqlx query over the ids (= ANY($1)) is not flagged n-plus-one', () => {
      assert.deepEqual(flaggedBy(workspace({ 'src/store.rs': batch }), 'src/store.rs', 'n-plus-one'), []);
    });

    // unpaginated-query reports it today: it treats only equality on the key as bounded,
    // while \`id = ANY($1)\` returns at most as many rows as ids were passed.
    it('"Good: Single batch query" (primary key = ANY($1)) is not flagged: the key list bounds the rows', () => {
      assert.deepEqual(findingsIn(workspace({ 'src/store.rs': batch }), 'src/store.rs'), []);
    });

    it('"Verify indexes are being used": the vector query with LIMIT is not flagged unpaginated-query', () => {
      const sql = `EXPLAIN ANALYZE SELECT * FROM memories
WHERE embedding <=> $1::vector
ORDER BY embedding <=> $1::vector
LIMIT 10;
`;
      assert.deepEqual(flaggedBy(workspace({ 'queries/verify.sql': sql }), 'queries/verify.sql', 'unpaginated-query'), []);
    });
  });

  describe('seed 004: codex memory (pgvector)', () => {
    it("CREATE INDEX CONCURRENTLY ... USING hnsw in a later migration: not non-concurrent-index-creation; m = 16, ef_construction = 64 on the seed's 1536-dimension vectors is below the seed's own table (info)", () => {
      const sql = `CREATE INDEX CONCURRENTLY memories_embedding_hnsw_idx 
ON memories USING hnsw (embedding vector_cosine_ops)
WITH (m = 16, ef_construction = 64);
`;
      const ws = workspace({ 'migrations/20240102000000_hnsw.sql': sql });
      assert.deepEqual(findingsIn(ws, 'migrations/20240102000000_hnsw.sql'), [`hnsw-parameters-below-guide: ${sql.trim().replace(/;$/, '')}`]);
    });

    it('the same index without CONCURRENTLY on the existing table is flagged non-concurrent-index-creation', () => {
      const sql = `CREATE INDEX memories_embedding_hnsw_idx 
ON memories USING hnsw (embedding vector_cosine_ops)
WITH (m = 16, ef_construction = 64);
`;
      const ws = workspace({ 'migrations/20240102000000_hnsw.sql': sql });
      assert.deepEqual(flaggedBy(ws, 'migrations/20240102000000_hnsw.sql', 'non-concurrent-index-creation').length, 1);
    });

    it('"Optimized vector similarity query with limits" and the prepared statement are not flagged unpaginated-query', () => {
      const sql = `-- Optimized vector similarity query with limits
SELECT id, content, embedding <-> $1::vector as distance
FROM memories
WHERE tier = 'working'  -- Filter early
ORDER BY embedding <-> $1::vector
LIMIT 10;

-- Use prepared statements for repeated queries
PREPARE vector_search(vector) AS
SELECT id, content, embedding <-> $1 as distance
FROM memories
ORDER BY embedding <-> $1
LIMIT $2;
`;
      const ws = workspace({ 'queries/search.sql': sql });
      assert.deepEqual(flaggedBy(ws, 'queries/search.sql', 'unpaginated-query'), []);
      assert.deepEqual(flaggedBy(ws, 'queries/search.sql', 'leading-wildcard-like'), []);
    });

    // leading-wildcard-like reports patterns on any table, catalog or not (docs/rules/
    // leading-wildcard-like.md): the pg_stat_user_indexes search is reported too.
    it('the monitoring queries on pg_stat_* views: only the LIKE \'%embedding%\' search is flagged', () => {
      const sql = `-- Connection pool status
SELECT 
    state,
    COUNT(*) as connection_count
FROM pg_stat_activity 
GROUP BY state;

-- Long-running queries
SELECT 
    pid,
    now() - pg_stat_activity.query_start AS duration,
    query 
FROM pg_stat_activity 
WHERE state = 'active'
  AND now() - pg_stat_activity.query_start > interval '5 minutes';

-- Vector index performance
SELECT 
    indexrelname,
    idx_scan,
    idx_tup_read,
    idx_tup_fetch
FROM pg_stat_user_indexes
WHERE indexrelname LIKE '%embedding%';
`;
      assert.deepEqual(findingsIn(workspace({ 'queries/monitoring.sql': sql }), 'queries/monitoring.sql'), [
        "leading-wildcard-like: indexrelname LIKE '%embedding%'",
      ]);
    });
  });

  describe('the Rust bad cases of the memory example, in seed style', () => {
    it('a memories query per agent inside for agent in &agents is flagged n-plus-one; = ANY($1) is not', () => {
      const code = `pub async fn per_agent(pool: &PgPool, org: Uuid) -> sqlx::Result<()> {
    let agents = sqlx::query_as!(Agent, "SELECT id, name FROM agents WHERE organization_id = $1 LIMIT 100", org)
        .fetch_all(pool).await?;
    for agent in &agents {
        let memories = sqlx::query!("SELECT id, content FROM memories WHERE agent_id = $1 LIMIT 50", agent.id)
            .fetch_all(pool).await?;
    }
    let ids: Vec<Uuid> = agents.iter().map(|a| a.id).collect();
    let all = sqlx::query!("SELECT id, content FROM memories WHERE agent_id = ANY($1) LIMIT 1000", &ids[..])
        .fetch_all(pool).await?;
    Ok(())
}
`;
      assert.deepEqual(findingsIn(workspace({ 'src/agents.rs': code }), 'src/agents.rs'), [
        'n-plus-one: sqlx::query!("SELECT id, content FROM memories WHERE agent_id = $1 LIMIT 50", agent.id)\n            .fetch_all(pool).await',
      ]);
    });
  });
});
