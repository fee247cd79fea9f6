use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, sqlx::FromRow)]
pub struct Agent {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
}

#[derive(Debug, sqlx::FromRow)]
pub struct Memory {
    pub id: i64,
    pub agent_id: Uuid,
    pub memory_type: String,
    pub content: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug)]
pub struct NewMemory {
    pub agent_id: Uuid,
    pub memory_type: String,
    pub content: String,
}
