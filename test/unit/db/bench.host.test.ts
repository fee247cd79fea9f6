// The benchmark engine on the host drivers (a SQLite file, PGlite): one connection, so the
// concurrency is clamped to 1 and the run says so; writes rolled back; errors counted.
import * as assert from 'node:assert/strict';
import { runBenchmark } from '../../../server/src/db/bench';
import type { Driver } from '../../../server/src/db/types';
import { count, pgliteFixture, sqliteFixture, type SqliteFixture } from './fixtures';

const base = { params: [], warmup: 3, timeoutMs: 30_000 };

describe('benchmark engine on SQLite', function () {
  this.timeout(60_000);
  let f: SqliteFixture;
  before(async () => (f = await sqliteFixture(5_000)));
  after(() => f.dispose());

  it('runs a SELECT at concurrency 1, noting the clamp', async () => {
    const run = await runBenchmark(f.driver, { ...base, sql: 'SELECT count(*) FROM workers WHERE planner_id = ?', params: [3], iterations: 30, concurrency: 4 });
    assert.equal(run.concurrency, 1);
    assert.deepEqual(run.notes, ['concurrency 4 asked, 1 used: test-sqlite has one connection (SQLite runs one statement at a time)']);
    assert.equal(run.stats.errors, 0);
    assert.equal(run.histogram.counts.reduce((a, b) => a + b, 0), 30);
    assert.ok(run.stats.minMs > 0 && run.stats.minMs <= run.stats.p50Ms && run.stats.p99Ms <= run.stats.maxMs);
    assert.equal(run.rolledBack, false);
  });

  it('rolls writes back: the row count is unchanged', async () => {
    const run = await runBenchmark(f.driver, { ...base, sql: 'DELETE FROM workers WHERE planner_id = ?', params: [5], iterations: 20, concurrency: 1 });
    assert.equal(run.rolledBack, true);
    assert.equal(run.stats.errors, 0);
    assert.equal(f.count(), 5_000);
  });

  it('fails when every iteration fails (no run of zeros that reads as fast), after the warm-up or without one', async () => {
    const sql = "INSERT INTO workers (id, planner_id, task_status) VALUES (1, 1, 'x')";
    await assert.rejects(runBenchmark(f.driver, { ...base, sql, iterations: 10, concurrency: 1 }), {
      name: 'DbError',
      message: 'Connection "test-sqlite": the benchmark measured nothing: all 3 warm-up iterations failed (UNIQUE constraint failed: workers.id). Fix the statement or its parameter values (Explain shows the same error), then run it again.',
    });
    await assert.rejects(runBenchmark(f.driver, { ...base, warmup: 0, sql, iterations: 10, concurrency: 1 }), {
      message: 'Connection "test-sqlite": the benchmark measured nothing: all 10 timed iterations failed (UNIQUE constraint failed: workers.id). Fix the statement or its parameter values (Explain shows the same error), then run it again.',
    });
    assert.equal(f.count(), 5_000);
  });

  it('keeps SELECTs from writing (query_only) and leaves the connection usable', async () => {
    const run = await runBenchmark(f.driver, { ...base, sql: 'SELECT 1', iterations: 5, concurrency: 1 });
    assert.equal(run.stats.errors, 0);
    const session = await f.driver.session();
    try {
      const r = await session.query('PRAGMA query_only');
      assert.equal(Number(Object.values(r.rows[0]!)[0]), 0);
    } finally {
      await session.release();
    }
  });
});

describe('benchmark engine on PGlite', function () {
  this.timeout(120_000);
  let driver: Driver;
  before(async () => (driver = await pgliteFixture(2_000)));
  after(() => driver?.close());

  it('runs at concurrency 1 on the embedded database and rolls writes back', async () => {
    const select = await runBenchmark(driver, { ...base, sql: 'SELECT * FROM workers WHERE planner_id = $1', params: [9], iterations: 20, concurrency: 3 });
    assert.equal(select.concurrency, 1);
    assert.match(select.notes?.[0] ?? '', /^concurrency 3 asked, 1 used: embedded has one connection \(the embedded database runs one statement at a time\)$/);
    assert.equal(select.stats.errors, 0);
    const update = await runBenchmark(driver, { ...base, sql: "UPDATE workers SET task_status = 'done' WHERE planner_id = $1", params: [9], iterations: 10, concurrency: 1 });
    assert.equal(update.rolledBack, true);
    const session = await driver.session();
    try {
      const r = await session.query("SELECT count(*) AS n FROM workers WHERE planner_id = 9 AND task_status = 'done'");
      assert.equal(Number(r.rows[0]!.n), 0);
    } finally {
      await session.release();
    }
    assert.equal(await count(driver), 2_000);
  });
});
