import * as assert from 'node:assert/strict';
import { extractRust } from '../../../../server/src/core/host/rust/extract';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { covered } from './helpers';

describe('host/rust: tokio-postgres and syntax errors', () => {
  before(async () => {
    await initHostParsers();
  });

  it('maps client methods to terminals, with parameters from the &[..] slice', () => {
    const text = `use tokio_postgres::Client;
async fn f(client: &Client, user: &User, ids: &[i64]) -> Result<(), Error> {
    let rows = client.query("SELECT * FROM orders WHERE user_id = $1", &[&user.id]).await?;
    let one = client.query_one("SELECT name FROM users WHERE id = $1", &[&user.id]).await?;
    let maybe = client.query_opt("SELECT 1 FROM users WHERE email = $1", &[&email]).await?;
    let n = client.execute("UPDATE users SET seen = now() WHERE id = ANY($1)", &[&ids]).await?;
    let stmt = client.prepare("SELECT * FROM items WHERE order_id = $1").await?;
    for row in &rows {
        let id: i64 = row.get("id");
        transaction.execute("INSERT INTO audit (order_id) VALUES ($1)", &[&id]).await?;
    }
    Ok(())
}`;
    const { queries, writes } = extractRust(text, 't.rs');
    assert.deepEqual(
      queries.map((q) => [q.terminal, q.statementKind, q.assignedTo ?? null, q.parameterRoots.join(',')]),
      [
        ['fetch_all', 'select', 'rows', 'user'],
        ['fetch_one', 'select', 'one', 'user'],
        ['fetch_optional', 'select', 'maybe', 'email'],
        ['execute', 'update', 'n', 'ids'],
        ['unknown', 'select', 'stmt', ''],
        ['execute', 'insert', null, 'id'],
      ],
    );
    assert.equal(covered(text, queries[0].span), 'client.query("SELECT * FROM orders WHERE user_id = $1", &[&user.id]).await');
    assert.equal(text.slice(queries[0].beforeTerminal!, queries[0].beforeTerminal! + 7), '.query(');
    assert.equal(queries[5].loops[0].iterableQuery, 0);
    assert.deepEqual(writes.map((w) => [w.kind, w.query]), [['insert', 5]]);
    assert.ok(queries.every((q) => q.sql?.dialect === 'postgres'));
  });

  it('runs a prepared statement where it is executed: in the loop, preparedFrom the prepare', () => {
    const text = `async fn f(client: &Client) -> Result<(), Error> {
    let orders = client.query("SELECT id FROM orders", &[]).await?;
    let stmt = client.prepare("SELECT * FROM items WHERE order_id = $1").await?;
    for order in &orders {
        let order_id: i64 = order.get(0);
        let items = client.query(&stmt, &[&order_id]).await?;
    }
    Ok(())
}`;
    const queries = extractRust(text, 't.rs').queries;
    assert.equal(queries.length, 3);
    const [, prepare, execution] = queries;
    assert.equal(prepare.terminal, 'unknown');
    assert.equal(prepare.preparedFrom, undefined);
    assert.equal(covered(text, execution.span), 'client.query(&stmt, &[&order_id]).await');
    assert.equal(execution.preparedFrom, 1);
    assert.equal(execution.terminal, 'fetch_all');
    assert.equal(execution.assignedTo, 'items');
    assert.deepEqual(execution.parameterRoots, ['order_id']);
    assert.equal(execution.sql, prepare.sql);
    assert.deepEqual(execution.loops.map((l) => [l.targets, l.iterableQuery]), [[['order'], 0]]);
  });

  it('gives a sqlx query built first the terminal it is run with later', () => {
    const text = `async fn f(pool: &PgPool, id: i64) {
    let q = sqlx::query_as::<_, User>("SELECT * FROM users WHERE id = $1").bind(id);
    let user = q.fetch_optional(pool).await?;
}`;
    const [q] = extractRust(text, 'd.rs').queries;
    assert.equal(q.terminal, 'fetch_optional');
    assert.equal(text.slice(q.beforeTerminal!, q.beforeTerminal! + 16), '.fetch_optional(');
  });

  it('still extracts what it can from a file with a syntax error, and never throws', () => {
    const text = `async fn broken(pool: &PgPool) {
    let agents = sqlx::query_as::<_, Agent>("SELECT * FROM agents").fetch_all(pool).await?;
    for agent in &agents {
        let x = ;
        sqlx::query!("SELECT * FROM memories WHERE agent_id = $1", agent.id).fetch_all(pool).await?;
    }
    let y = 𝄞 "unterminated
`;
    const { queries, errors } = extractRust(text, 'b.rs');
    assert.ok(errors.length > 0);
    assert.ok(errors.every((e) => e.span.start <= e.span.end && e.span.end <= text.length));
    assert.equal(queries.length, 2);
    assert.equal(queries[1].loops[0]?.iterableQuery, 0);
    for (const garbage of ['', '}}}{{{', 'query!(', 'sqlx::query("', 'r#"', '\u0000\uffff']) {
      assert.doesNotThrow(() => extractRust(garbage, 'g.rs'));
    }
  });
});
