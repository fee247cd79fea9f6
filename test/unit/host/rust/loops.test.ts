import * as assert from 'node:assert/strict';
import { extractRust } from '../../../../server/src/core/host/rust/extract';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { covered } from './helpers';

describe('host/rust: loops, row-by-row writes and commits', () => {
  before(async () => {
    await initHostParsers();
  });

  it('reports an INSERT per item and a commit per item inside a loop', () => {
    const text = `async fn save(pool: &PgPool, docs: Vec<Doc>) -> Result<()> {
    for (i, doc) in docs.iter().enumerate() {
        let mut tx = pool.begin().await?;
        sqlx::query("INSERT INTO documents (title, body) VALUES ($1, $2)")
            .bind(&doc.title)
            .bind(&doc.body)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}`;
    const { queries, writes } = extractRust(text, 'w.rs');
    assert.equal(queries.length, 1);
    assert.deepEqual(queries[0].parameterRoots, ['doc']);
    assert.equal(queries[0].terminal, 'execute');
    assert.deepEqual(queries[0].loops.map((l) => [l.kind, l.targets, l.iterable]), [['for', ['i', 'doc'], 'docs.iter().enumerate()']]);
    assert.equal(queries[0].loops[0].iterableQuery, undefined, 'docs is a parameter, not query rows');
    assert.deepEqual(writes.map((w) => [w.kind, w.query ?? null, w.loops.length, covered(text, w.span)]), [
      ['insert', 0, 1, covered(text, queries[0].span)],
      ['commit', null, 1, 'tx.commit().await'],
    ]);
    assert.equal(writes[1].receiver, 'tx');
  });

  it('reports a commit outside any loop with no loops, and no write for a single INSERT', () => {
    const text = `async fn once(pool: &PgPool) {
    let mut tx = pool.begin().await?;
    sqlx::query!("INSERT INTO t (a) VALUES ($1)", a).execute(&mut *tx).await?;
    tx.commit().await?;
}`;
    const { writes } = extractRust(text, 'w.rs');
    assert.deepEqual(writes.map((w) => [w.kind, w.loops.length]), [['commit', 0]]);
  });

  it('follows a fetch stream into while let', () => {
    const text = `async fn f(pool: &PgPool) {
    let mut rows = sqlx::query_as::<_, Agent>("SELECT * FROM agents").fetch(pool);
    while let Some(agent) = rows.try_next().await? {
        sqlx::query("UPDATE stats SET n = n + 1 WHERE agent_id = $1").bind(agent.id).execute(pool).await?;
    }
    loop {
        let job = sqlx::query!("SELECT id FROM jobs LIMIT 1").fetch_optional(pool).await?;
    }
}`;
    const [, update, job] = extractRust(text, 'w.rs').queries;
    assert.deepEqual(update.loops.map((l) => [l.kind, l.targets, l.iterable, l.iterableQuery]), [['while', ['agent'], 'rows.try_next().await?', 0]]);
    assert.deepEqual(job.loops.map((l) => [l.kind, l.targets, l.iterableQuery]), [['while', [], undefined]]);
  });

  it('sees iterator and stream closures as loops, with the closure parameters as targets', () => {
    const text = `async fn f(pool: &PgPool) -> Result<()> {
    let agents: Vec<Agent> = sqlx::query_as("SELECT * FROM agents").fetch_all(pool).await?;
    let counts = futures::future::join_all(agents.iter().map(|a| async move {
        sqlx::query_scalar!("SELECT count(*) FROM memories WHERE agent_id = $1", a.id).fetch_one(pool).await
    })).await;
    let names = stream::iter(agents.clone()).then(|Agent { id, .. }| async move {
        sqlx::query!("SELECT name FROM profiles WHERE id = $1", id).fetch_one(pool).await
    }).buffer_unordered(8).collect::<Vec<_>>().await;
    let first = maybe_agent.map(|a| a.id);
    Ok(())
}`;
    const [, count, name] = extractRust(text, 'c.rs').queries;
    assert.deepEqual(count.loops.map((l) => [l.kind, l.targets, l.iterable, l.iterableQuery]), [['iterator-closure', ['a'], 'agents.iter()', 0]]);
    assert.ok(covered(text, count.loops[0].span).startsWith('agents.iter().map(|a| async move {'));
    assert.deepEqual(count.parameterRoots, ['a']);
    assert.deepEqual(name.loops.map((l) => [l.kind, l.targets, l.iterableQuery]), [['iterator-closure', ['id'], 0]]);
  });

  it('does not put a query in the loop it feeds', () => {
    const text = `async fn f(pool: &PgPool) {
    for row in sqlx::query("SELECT id FROM agents").fetch_all(pool).await? {
        for m in sqlx::query("SELECT * FROM memories WHERE agent_id = $1").bind(row.get::<i64, _>("id")).fetch_all(pool).await? {
            println!("{m:?}");
        }
    }
}`;
    const [outer, inner] = extractRust(text, 'c.rs').queries;
    assert.deepEqual(outer.loops, []);
    assert.deepEqual(inner.loops.map((l) => [l.targets, l.iterableQuery]), [[['row'], 0]]);
    assert.deepEqual(inner.parameterRoots, ['row']);
  });

  it('binds an iterated variable to the latest query before the loop in the same function', () => {
    const text = `async fn a(pool: &PgPool) { let rows = sqlx::query("SELECT 1 FROM x").fetch_all(pool).await?; }
async fn b(pool: &PgPool, rows: Vec<i64>) {
    for r in rows { sqlx::query("SELECT 2 FROM y WHERE id = $1").bind(r).fetch_one(pool).await?; }
    let rows = sqlx::query("SELECT 3 FROM z").fetch_all(pool).await?;
    for r in rows.iter() { sqlx::query("SELECT 4 FROM y WHERE id = $1").bind(r).fetch_one(pool).await?; }
}`;
    const queries = extractRust(text, 'c.rs').queries;
    assert.equal(queries[1].loops[0].iterableQuery, undefined, 'a parameter named like a query result elsewhere');
    assert.equal(queries[3].loops[0].iterableQuery, 2);
  });
});
