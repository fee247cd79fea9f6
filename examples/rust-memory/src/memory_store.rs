//! The memory store: what each agent remembers (sqlx, PostgreSQL).
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::models::{Agent, Memory, NewMemory};

/// BAD: one memories query per agent of the organization (N+1).
pub async fn memories_per_agent(pool: &PgPool, org: Uuid) -> sqlx::Result<Vec<(Uuid, Vec<Memory>)>> {
    let agents = sqlx::query_as!(Agent, "SELECT id, organization_id, name FROM agents WHERE organization_id = $1 LIMIT 100", org)
        .fetch_all(pool)
        .await?;
    let mut out = Vec::new();
    for agent in &agents {
        let memories = sqlx::query_as!(Memory, "SELECT id, agent_id, memory_type, content, created_at FROM memories WHERE agent_id = $1 LIMIT 50", agent.id)
            .fetch_all(pool)
            .await?;
        out.push((agent.id, memories));
    }
    Ok(out)
}

/// GOOD: the memories of every agent in one query over the collected keys.
pub async fn memories_for_agents(pool: &PgPool, agent_ids: &[Uuid]) -> sqlx::Result<Vec<Memory>> {
    sqlx::query_as!(Memory, "SELECT id, agent_id, memory_type, content, created_at FROM memories WHERE agent_id = ANY($1) LIMIT 1000", agent_ids)
        .fetch_all(pool)
        .await
}

/// BAD: one INSERT (one round trip) per memory.
pub async fn store_all(pool: &PgPool, items: &[NewMemory]) -> sqlx::Result<()> {
    for item in items {
        sqlx::query("INSERT INTO memories (agent_id, memory_type, content) VALUES ($1, $2, $3)")
            .bind(item.agent_id)
            .bind(&item.memory_type)
            .bind(&item.content)
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// GOOD: one multi-row INSERT.
pub async fn store_batch(pool: &PgPool, items: &[NewMemory]) -> sqlx::Result<()> {
    let mut qb: QueryBuilder<Postgres> = QueryBuilder::new("INSERT INTO memories (agent_id, memory_type, content) ");
    qb.push_values(items, |mut b, item| {
        b.push_bind(item.agent_id).push_bind(&item.memory_type).push_bind(&item.content);
    });
    qb.build().execute(pool).await?;
    Ok(())
}

/// BAD: every memory of the agent, however many there are.
pub async fn list_memories(pool: &PgPool, agent_id: Uuid) -> sqlx::Result<Vec<Memory>> {
    sqlx::query_as::<_, Memory>("SELECT id, agent_id, memory_type, content, created_at FROM memories WHERE agent_id = $1")
        .bind(agent_id)
        .fetch_all(pool)
        .await
}

/// GOOD: one page, keyset-paginated on the primary key.
pub async fn list_memories_paginated(pool: &PgPool, after_id: i64) -> sqlx::Result<Vec<Memory>> {
    sqlx::query_as::<_, Memory>("SELECT id, agent_id, memory_type, content, created_at FROM memories WHERE id > $1 ORDER BY id LIMIT 100")
        .bind(after_id)
        .fetch_all(pool)
        .await
}

/// GOOD: one memory by primary key.
pub async fn retrieve(pool: &PgPool, id: i64) -> sqlx::Result<Option<Memory>> {
    sqlx::query_as!(Memory, "SELECT id, agent_id, memory_type, content, created_at FROM memories WHERE id = $1", id)
        .fetch_optional(pool)
        .await
}
