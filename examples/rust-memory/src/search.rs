//! Memory search: text, type and vector similarity.
use sqlx::PgPool;
use uuid::Uuid;

use crate::models::Memory;

/// BAD: a leading wildcard: no B-tree index can serve it.
pub async fn deadline_memories(pool: &PgPool) -> sqlx::Result<Vec<Memory>> {
    sqlx::query_as::<_, Memory>("SELECT id, agent_id, memory_type, content, created_at FROM memories WHERE content LIKE '%deadline%' LIMIT 20")
        .fetch_all(pool)
        .await
}

/// BAD: filters on agent_id and memory_type; each has its own index, no index has both.
pub async fn memories_of_type(pool: &PgPool, agent_id: Uuid, memory_type: &str) -> sqlx::Result<Vec<Memory>> {
    sqlx::query_as!(
        Memory,
        r#"SELECT id, agent_id, memory_type, content, created_at FROM memories WHERE agent_id = $1 AND memory_type = $2 LIMIT 50"#,
        agent_id,
        memory_type
    )
    .fetch_all(pool)
    .await
}

/// GOOD: a prefix pattern can use a B-tree index range.
pub async fn memories_of_kind_prefix(pool: &PgPool) -> sqlx::Result<Vec<Memory>> {
    sqlx::query_as::<_, Memory>("SELECT id, agent_id, memory_type, content, created_at FROM memories WHERE memory_type LIKE 'task%' LIMIT 20")
        .fetch_all(pool)
        .await
}

/// GOOD: recent memories of one agent through its index, bounded.
pub async fn recent_memories(pool: &PgPool, agent_id: Uuid) -> sqlx::Result<Vec<Memory>> {
    sqlx::query_as!(Memory, "SELECT id, agent_id, memory_type, content, created_at FROM memories WHERE agent_id = $1 LIMIT 20", agent_id)
        .fetch_all(pool)
        .await
}

/// GOOD: nearest memories by embedding, served by the HNSW index, with a limit.
pub async fn similar(pool: &PgPool, embedding: &[f32]) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as::<_, (i64, String)>("SELECT id, content FROM memories ORDER BY embedding <=> $1::vector LIMIT 10")
        .bind(embedding)
        .fetch_all(pool)
        .await
}
