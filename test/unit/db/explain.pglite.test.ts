/**
 * The explain runner on the embedded PGlite (PostgreSQL 18 in WebAssembly,
 * in a host process): analysed plans, generic plans, one statement per
 * query and no session state kept, the DELETE rolled back, and a timeout that kills the host while the data survives.
 */
import * as assert from 'node:assert/strict';
import { explain } from '../../../server/src/db/explain';
import type { HostDriver } from '../../../server/src/db/drivers';
import { DbError, type Driver } from '../../../server/src/db/types';
import { count, pgliteFixture } from './fixtures';

describe('db/explain on PGlite (embedded)', function () {
  this.timeout(60_000);
  let driver: Driver;
  before(async () => {
    driver = await pgliteFixture(5_000);
  });
  after(() => driver?.close());

  it('returns the analysed JSON plan; the server version says PGlite', async () => {
    const r = await explain(driver, { sql: 'SELECT id FROM workers WHERE planner_id = $1', params: [7], analyze: true, timeoutMs: 10_000 });
    const top = (r.pgPlan as { Plan: Record<string, unknown>; 'Execution Time': number }[])[0];
    assert.equal(top.Plan['Node Type'], 'Seq Scan');
    assert.equal(top.Plan['Actual Rows'], 50);
    assert.match(r.serverVersion, /^PGlite \(PostgreSQL 18\./);
    assert.equal(await (driver as HostDriver).library(), 'pglite');
  });

  it('plans without values: the generic plan of a prepared statement', async () => {
    const r = await explain(driver, { sql: 'SELECT id FROM workers WHERE planner_id = $1', analyze: false, timeoutMs: 10_000 });
    assert.equal(r.genericPlan, true);
    assert.match(JSON.stringify(r.pgPlan), /planner_id = \$1/);
  });

  it('one statement per query, and a session leaves no SET behind for the next', async () => {
    const session = await driver.session();
    await assert.rejects(session.query('SELECT 1; DELETE FROM workers'), (e: DbError) => e.kind === 'sql' && /cannot insert multiple commands into a prepared statement/.test(e.message));
    const workMem = (await session.query('SHOW work_mem')).rows;
    await session.query("SET work_mem = '1234kB'");
    await session.release();
    const next = await driver.session();
    try {
      assert.deepEqual((await next.query('SHOW work_mem')).rows, workMem);
    } finally {
      await next.release();
    }
    assert.equal(await count(driver), 5_000);
  });

  it('EXPLAIN ANALYZE of DELETE FROM every row leaves every row in place', async () => {
    const r = await explain(driver, { sql: 'DELETE FROM workers', analyze: true, timeoutMs: 10_000 });
    assert.equal(((r.pgPlan as { Plan: { Plans: Record<string, unknown>[] } }[])[0].Plan.Plans[0])['Actual Rows'], 5_000);
    assert.equal(await count(driver), 5_000);
  });

  it('stops a statement past its timeout (PGlite has no statement_timeout: the host is killed); the data survives', async () => {
    await assert.rejects(explain(driver, { sql: 'DELETE FROM workers WHERE pg_sleep(30) IS NOT NULL', analyze: true, timeoutMs: 500 }), (e: DbError) => e.kind === 'timeout');
    assert.equal(await count(driver), 5_000);
  });
});
