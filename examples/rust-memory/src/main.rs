mod memory_store;
mod models;
mod search;

#[tokio::main]
async fn main() -> Result<(), sqlx::Error> {
    let pool = sqlx::PgPool::connect(&std::env::var("DATABASE_URL").expect("DATABASE_URL")).await?;
    let found = search::deadline_memories(&pool).await?;
    println!("{} memories mention it", found.len());
    Ok(())
}
