import * as assert from 'node:assert/strict';
import { extractRust } from '../../../../server/src/core/host/rust/extract';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { covered } from './helpers';

describe('host/rust: sqlx queries', () => {
  before(async () => {
    await initHostParsers();
  });

  it('finds the seed N+1: a query! per agent over the rows of an earlier query', () => {
    const text = `use sqlx::PgPool;

async fn memories_per_agent(pool: &PgPool, org: Uuid) -> Result<()> {
    let agents = sqlx::query_as!(Agent, "SELECT id, name FROM agents WHERE organization_id = $1", org)
        .fetch_all(pool)
        .await?;
    for agent in &agents {
        let memories = sqlx::query!("SELECT * FROM memories WHERE agent_id = $1", agent.id)
            .fetch_all(pool)
            .await?;
    }
    Ok(())
}
`;
    const { queries, errors } = extractRust(text, 'seed.rs');
    assert.deepEqual(errors, []);
    assert.equal(queries.length, 2);
    const [outer, inner] = queries;
    assert.equal(outer.assignedTo, 'agents');
    assert.equal(outer.entity, 'Agent');
    assert.deepEqual(outer.parameterRoots, ['org']);
    assert.deepEqual(outer.loops, []);
    assert.equal(inner.terminal, 'fetch_all');
    assert.equal(inner.statementKind, 'select');
    assert.deepEqual(inner.parameterRoots, ['agent']);
    assert.equal(inner.sql?.dialect, 'postgres');
    assert.equal(inner.loops.length, 1);
    const [loop] = inner.loops;
    assert.equal(loop.kind, 'for');
    assert.deepEqual(loop.targets, ['agent']);
    assert.equal(loop.iterable, '&agents');
    assert.equal(loop.iterableQuery, 0);
    assert.ok(covered(text, loop.span).startsWith('for agent in &agents {'));
    assert.ok(covered(text, inner.span).startsWith('sqlx::query!("SELECT'));
    assert.ok(covered(text, inner.span).endsWith('.await'));
  });

  it('reads query_as::<_, Memory>(..).fetch_all without LIMIT as an unbounded select', () => {
    const text = `async fn all(pool: &PgPool) -> Result<Vec<Memory>> {
    let memories = sqlx::query_as::<_, Memory>("SELECT * FROM memories").fetch_all(pool).await?;
    Ok(memories)
}`;
    const [q] = extractRust(text, 'm.rs').queries;
    assert.equal(q.kind, 'sql');
    assert.equal(q.entity, 'Memory');
    assert.equal(q.terminal, 'fetch_all');
    assert.equal(q.statementKind, 'select');
    assert.equal(q.assignedTo, 'memories');
    assert.equal(q.sql?.text, 'SELECT * FROM memories');
    assert.equal(covered(text, q.sql!.literal), '"SELECT * FROM memories"');
    assert.equal(text.slice(q.beforeTerminal!, q.beforeTerminal! + 10), '.fetch_all');
  });

  it('collects .bind roots and the terminal of the seed retry example', () => {
    const text = `fn f() {
    let result = manager.execute_with_retry(3, |pool| async move {
        sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(user_id)
            .bind(&req.name)
            .bind(ctx.user().id.clone())
            .fetch_one(&pool)
            .await
            .map_err(|e| CoreError::Database(e.to_string()))
    }).await?;
}`;
    const [q] = extractRust(text, 'r.rs').queries;
    assert.deepEqual(q.parameterRoots, ['user_id', 'req', 'ctx']);
    assert.equal(q.terminal, 'fetch_one');
    assert.deepEqual(q.loops, [], 'a retry closure is not a loop');
  });

  it('knows the imported functions and every macro form', () => {
    const text = `use sqlx::{query, query_as, query_scalar, Row};
async fn f(pool: &SqlitePool, id: i64, t: &Task) {
    query("DELETE FROM t WHERE id = ?").bind(id).execute(pool).await.unwrap();
    let n: i64 = query_scalar("SELECT count(*) FROM t").fetch_one(pool).await?;
    let one = query_as("SELECT * FROM t WHERE id = ?").bind(id).fetch_optional(pool).await?;
    let ids = sqlx::query_scalar!("SELECT id FROM t").fetch_all(pool).await?;
    let row = sqlx::query_as!(Task, r"UPDATE t SET done = 1 WHERE id = ? RETURNING *", t.id).fetch_one(pool).await?;
    let stream = sqlx::query!("SELECT id FROM t").fetch(pool);
}`;
    const queries = extractRust(text, 'f.rs').queries;
    assert.deepEqual(
      queries.map((q) => [q.statementKind, q.terminal, q.assignedTo ?? null, q.parameterRoots.join(','), q.entity ?? null]),
      [
        ['delete', 'execute', null, 'id', null],
        ['select', 'fetch_one', 'n', '', null],
        ['select', 'fetch_optional', 'one', 'id', null],
        ['select', 'fetch_all', 'ids', '', null],
        ['update', 'fetch_one', 'row', 't', 'Task'],
        ['select', 'fetch', 'stream', '', null],
      ],
    );
    assert.ok(queries.every((q) => q.sql?.dialect === 'sqlite'), 'SqlitePool tells the dialect');
  });

  it('takes the dialect from options first, then the pool type, else leaves it to the workspace', () => {
    const mysql = 'async fn f(p: &MySqlPool) { sqlx::query("SELECT 1 FROM t").execute(p).await; }';
    assert.equal(extractRust(mysql, 'a.rs').queries[0].sql?.dialect, 'mysql');
    assert.equal(extractRust(mysql, 'a.rs', { dialect: 'sqlite' }).queries[0].sql?.dialect, 'sqlite');
    const generic = 'async fn f(p: &Pool<Sqlite>) { sqlx::query("SELECT 1 FROM t").execute(p).await; }';
    assert.equal(extractRust(generic, 'a.rs').queries[0].sql?.dialect, 'sqlite');
    const none = 'async fn f(p: &Pool) { sqlx::query("SELECT 1 FROM t").execute(p).await; }';
    assert.equal(extractRust(none, 'a.rs').queries[0].sql?.dialect, undefined);
  });

  it('leaves alone what is not a sqlx query', () => {
    const text = `fn f() {
    let q = search::query("rust books");
    let r = http.execute("GET /");
    let v = query(&format!("SELECT * FROM {}", t));
    let name = "SELECT in a plain string";
    tracing::info!("SELECT {}", x);
}`;
    assert.deepEqual(extractRust(text, 'a.rs').queries, []);
  });

  it('reads WITH ... INSERT as an insert and a built query as not yet run', () => {
    const text = `fn f() {
    let q = sqlx::query("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x").bind(a);
}`;
    const [q] = extractRust(text, 'a.rs').queries;
    assert.equal(q.statementKind, 'insert');
    assert.equal(q.terminal, 'unknown');
    assert.equal(q.assignedTo, 'q');
    assert.equal(q.beforeTerminal, undefined);
  });
});
