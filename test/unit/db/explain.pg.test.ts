/**
 * The safe explain runner on the real PostgreSQL 15 server, in a schema of its
 * own: plans, rollback of analysed writes, read-only refusal, DDL refusal,
 * generic plans (PREPARE + force_generic_plan on 15), timeout and
 * cancellation on the server.
 */
import * as assert from 'node:assert/strict';
import { explain } from '../../../server/src/db/explain';
import { openDriver } from '../../../server/src/db/drivers';
import { DbError } from '../../../server/src/db/types';
import { dropPgFixture, pgFixture, type PgFixture } from './fixtures';

describe('db/explain on PostgreSQL (server)', function () {
  this.timeout(30_000);
  let f: PgFixture | undefined;
  before(async function () {
    f = await pgFixture();
    if (!f) this.skip();
  });
  after(() => dropPgFixture(f));

  async function rows(): Promise<number> {
    return Number((await f!.admin.query('SELECT count(*) AS n FROM workers')).rows[0].n);
  }

  it('returns the JSON plan with buffers and timings, rolled back, with the server version', async () => {
    const r = await explain(f!.driver, { sql: "SELECT id FROM workers WHERE planner_id = 7 AND task_status = 'pending';", analyze: true, timeoutMs: 10_000 });
    const top = (r.pgPlan as { Plan: Record<string, unknown>; 'Execution Time': number; 'Planning Time': number }[])[0];
    assert.equal(top.Plan['Node Type'], 'Seq Scan');
    assert.equal(top.Plan['Relation Name'], 'workers');
    assert.ok('Shared Hit Blocks' in top.Plan, 'BUFFERS asked for');
    assert.ok(top['Execution Time'] > 0);
    assert.equal(r.sql, "SELECT id FROM workers WHERE planner_id = 7 AND task_status = 'pending'");
    assert.deepEqual([r.analyzed, r.rolledBack, r.genericPlan, r.statementKind], [true, true, false, 'select']);
    assert.match(r.serverVersion, /^PostgreSQL 15\./);
    assert.ok(r.wallMs >= top['Execution Time']);
  });

  it('EXPLAIN ANALYZE of DELETE FROM every row leaves every row in place', async () => {
    const before = await rows();
    const r = await explain(f!.driver, { sql: 'DELETE FROM workers', analyze: true, timeoutMs: 10_000 });
    const plan = (r.pgPlan as { Plan: Record<string, unknown> }[])[0].Plan;
    assert.equal(plan['Node Type'], 'ModifyTable');
    assert.equal((plan.Plans as Record<string, unknown>[])[0]['Actual Rows'], before, 'the DELETE really ran over every row');
    assert.equal(r.rolledBack, true);
    assert.equal(await rows(), before);
  });

  it('a data-modifying CTE runs read-write and is rolled back too', async () => {
    const before = await rows();
    const r = await explain(f!.driver, { sql: 'WITH gone AS (DELETE FROM workers RETURNING id) SELECT count(*) FROM gone', analyze: true, timeoutMs: 10_000 });
    assert.equal(r.statementKind, 'select');
    assert.equal(await rows(), before);
  });

  it('a write hidden in a VOLATILE function call is refused before it runs', async () => {
    await f!.admin.query('CREATE FUNCTION sneaky_delete() RETURNS int LANGUAGE sql AS $$ DELETE FROM workers RETURNING 1 $$');
    const before = await rows();
    await assert.rejects(explain(f!.driver, { sql: 'SELECT sneaky_delete()', analyze: true, timeoutMs: 10_000 }), (e: DbError) => e.kind === 'refused' && new RegExp(`it calls ${f!.schema}\\.sneaky_delete\\(\\), a VOLATILE function`).test(e.message));
    assert.equal(await rows(), before);
  });

  it('SELECTs run in a READ ONLY transaction: a write where the statement names no function fails', async () => {
    await f!.admin.query('CREATE FUNCTION erase(integer) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN DELETE FROM workers; RETURN $1; END $$');
    await f!.admin.query('CREATE OPERATOR !!! (RIGHTARG = integer, FUNCTION = erase)');
    const before = await rows();
    await assert.rejects(explain(f!.driver, { sql: 'SELECT !!! 1', analyze: true, timeoutMs: 10_000 }), (e: DbError) => e.kind === 'sql' && /read-only transaction/.test(e.message));
    assert.equal(await rows(), before);
  });

  it('on a read-only connection, ANALYZE of a write is refused; plain EXPLAIN of it is fine', async () => {
    const readOnly = await openDriver({ name: 'replica', driver: 'postgres', url: f!.url, readOnly: true });
    try {
      await assert.rejects(explain(readOnly, { sql: 'UPDATE workers SET name = name', analyze: true, timeoutMs: 10_000, readOnlyConnection: true }), (e: DbError) => e.kind === 'refused' && /Connection "replica": .*read-only/.test(e.message));
      const r = await explain(readOnly, { sql: 'UPDATE workers SET name = name', analyze: false, timeoutMs: 10_000, readOnlyConnection: true });
      assert.equal((r.pgPlan as { Plan: Record<string, unknown> }[])[0].Plan['Operation'], 'Update');
    } finally {
      await readOnly.close();
    }
  });

  for (const sql of ['DROP TABLE workers', 'CREATE INDEX ON workers (name)', 'TRUNCATE workers', 'SELECT 1; DROP TABLE workers', 'SELECT * INTO copy_of_workers FROM workers', 'EXPLAIN SELECT 1', 'VACUUM workers', 'COMMIT']) {
    it(`refuses, never runs: ${sql}`, async () => {
      await assert.rejects(explain(f!.driver, { sql, analyze: true, timeoutMs: 10_000 }), (e: DbError) => e.kind === 'refused' && e.message.startsWith('Connection "test-pg": QueryLens did not run this'));
      assert.equal(await rows(), 20_000);
      const tables = await f!.admin.query('SELECT count(*) AS n FROM pg_tables WHERE schemaname = $1', [f!.schema]);
      assert.equal(Number(tables.rows[0].n), 1);
    });
  }

  it('with values, binds them; without, plans generically with PREPARE on 15', async () => {
    const sql = 'SELECT id FROM workers WHERE planner_id = $1 AND task_status = $2';
    const bound = await explain(f!.driver, { sql, params: [7, 'pending'], analyze: true, timeoutMs: 10_000 });
    assert.equal(bound.genericPlan, false);
    assert.match(JSON.stringify(bound.pgPlan), /planner_id = 7/);
    const generic = await explain(f!.driver, { sql, analyze: false, timeoutMs: 10_000 });
    assert.equal(generic.genericPlan, true);
    assert.match(JSON.stringify(generic.pgPlan), /planner_id = \$1/);
    // The prepared statement is gone afterwards, on whichever pooled connection it ran.
    const session = await f!.driver.session();
    try {
      assert.equal((await session.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE name LIKE 'querylens_%'")).rows[0].n, '0');
    } finally {
      await session.release();
    }
  });

  it('refuses EXPLAIN ANALYZE without values for a parameterised query', async () => {
    await assert.rejects(explain(f!.driver, { sql: 'SELECT * FROM workers WHERE id = $1', analyze: true, timeoutMs: 10_000 }), (e: DbError) => e.kind === 'refused' && /needs values for \$1/.test(e.message));
  });

  it('stops a statement past its timeout (kind timeout), and the next explain works', async () => {
    const started = Date.now();
    await assert.rejects(explain(f!.driver, { sql: 'SELECT pg_sleep(20)', analyze: true, timeoutMs: 300 }), (e: DbError) => e.kind === 'timeout' && e.message.startsWith('Connection "test-pg": '));
    assert.ok(Date.now() - started < 5_000);
    const r = await explain(f!.driver, { sql: 'SELECT 1', analyze: true, timeoutMs: 5_000 });
    assert.ok(r.pgPlan);
  });

  it('cancelling through the AbortSignal stops the statement on the server', async () => {
    const marker = `cancel_me_${Date.now()}`;
    const ac = new AbortController();
    const running = explain(f!.driver, { sql: `SELECT pg_sleep(30), '${marker}'`, analyze: true, timeoutMs: 60_000, signal: ac.signal });
    const active = async () => Number((await f!.admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND application_name = 'querylens'", [`%${marker}%`])).rows[0].n);
    while ((await active()) === 0) await new Promise((r) => setImmediate(r));
    ac.abort();
    await assert.rejects(running, (e: DbError) => e.kind === 'cancelled');
    assert.equal(await active(), 0, 'no longer running on the server');
  });
});
