/**
 * The explain runner on SQLite files (the host process with better-sqlite3 on
 * Node 20): query plans, analysed runs rolled back, parameters of every
 * style, read-only connections, missing files, timeout and cancellation
 * (the host is killed and the file recovers).
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { openDriver, type HostDriver } from '../../../server/src/db/drivers';
import { explain } from '../../../server/src/db/explain';
import { DbError } from '../../../server/src/db/types';
import { sqliteFixture, type SqliteFixture } from './fixtures';

/** Counts to about 10^9: minutes of work, unless stopped. */
const SLOW = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1000000000) SELECT count(*) FROM r';

describe('db/explain on SQLite files', function () {
  this.timeout(20_000);
  let f: SqliteFixture;
  before(async () => {
    f = await sqliteFixture();
  });
  after(() => f.dispose());

  it('returns EXPLAIN QUERY PLAN rows, and with analyze the measured run', async () => {
    const r = await explain(f.driver, { sql: "SELECT id FROM workers WHERE planner_id = 7 AND task_status = 'failed'", analyze: true, timeoutMs: 5_000 });
    assert.deepEqual(r.sqlitePlan?.map((row) => row.detail), ['SCAN workers']);
    assert.equal(r.sqliteRun?.rows, 200);
    assert.ok((r.sqliteRun?.executionMs ?? 0) > 0);
    assert.deepEqual([r.analyzed, r.rolledBack, r.dialect, r.driver], [true, true, 'sqlite', 'sqlite']);
    assert.match(r.serverVersion, /^SQLite 3\./);
    assert.equal(await (f.driver as HostDriver).library(), 'better-sqlite3');
  });

  it('EXPLAIN ANALYZE of DELETE FROM every row leaves every row in place', async () => {
    const r = await explain(f.driver, { sql: 'DELETE FROM workers;', analyze: true, timeoutMs: 5_000 });
    assert.equal(r.sqliteRun?.changes, 20_000, 'the DELETE really ran');
    assert.equal(f.count(), 20_000);
  });

  it('binds ?, ?NNN, :name, @name and $N parameters (NULL when no value)', async () => {
    const cases: [string, unknown[] | undefined, number][] = [
      ['SELECT id FROM workers WHERE planner_id = ? AND task_status = ?', [7, 'failed'], 200],
      ['SELECT id FROM workers WHERE task_status = ?2 AND planner_id = ?1', [7, 'failed'], 200],
      ['SELECT id FROM workers WHERE planner_id = :planner AND task_status = @status', [7, 'failed'], 200],
      ['SELECT id FROM workers WHERE planner_id = $1 AND task_status = $2 AND $1 >= 0', [7, 'failed'], 200],
      ['SELECT id FROM workers WHERE planner_id = ?', undefined, 0],
    ];
    for (const [sql, params, expected] of cases) {
      const r = await explain(f.driver, { sql, params: params as never, analyze: true, timeoutMs: 5_000 }).catch((e) => e);
      if (params === undefined) {
        assert.ok(r instanceof DbError && r.kind === 'refused', 'analyze without values is refused');
        const plain = await explain(f.driver, { sql, analyze: false, timeoutMs: 5_000 });
        assert.equal(plain.genericPlan, true);
        assert.deepEqual(plain.sqlitePlan?.map((row) => row.detail), ['SCAN workers']);
      } else {
        assert.equal(r.sqliteRun?.rows, expected, sql);
      }
    }
  });

  it('refuses DDL and scripts, never runs them', async () => {
    for (const sql of ['DROP TABLE workers', 'CREATE INDEX w_name ON workers (name)', 'SELECT 1; DELETE FROM workers', 'PRAGMA journal_mode = wal', 'ATTACH DATABASE \'x.db\' AS x']) {
      await assert.rejects(explain(f.driver, { sql, analyze: true, timeoutMs: 5_000 }), (e: DbError) => e.kind === 'refused', sql);
    }
    assert.equal(f.count(), 20_000);
  });

  it('a read-only connection refuses ANALYZE of a write and opens the file read-only', async () => {
    const ro = await openDriver({ name: 'ro', driver: 'sqlite', file: f.file, readOnly: true });
    try {
      await assert.rejects(explain(ro, { sql: 'DELETE FROM workers', analyze: true, timeoutMs: 5_000, readOnlyConnection: true }), (e: DbError) => e.kind === 'refused');
      const s = await ro.session();
      try {
        await assert.rejects(s.query('DELETE FROM workers'), (e: DbError) => e.kind === 'refused' && /readonly/i.test(e.message));
      } finally {
        await s.release();
      }
    } finally {
      await ro.close();
    }
    assert.equal(f.count(), 20_000);
  });

  it('a missing file is missing-database, and no file is created', async () => {
    const missing = path.join(f.dir, 'nope.sqlite');
    await assert.rejects(openDriver({ name: 'gone', driver: 'sqlite', url: 'file:nope.sqlite' }, { root: f.dir }), (e: DbError) => e.kind === 'missing-database' && e.message.startsWith('Connection "gone": '));
    assert.equal(existsSync(missing), false);
  });

  it('stops a slow statement past its timeout; the file and the next explain are fine', async () => {
    const started = Date.now();
    await assert.rejects(explain(f.driver, { sql: SLOW, analyze: true, timeoutMs: 300 }), (e: DbError) => e.kind === 'timeout');
    assert.ok(Date.now() - started < 3_000);
    const r = await explain(f.driver, { sql: 'SELECT count(*) FROM workers', analyze: true, timeoutMs: 5_000 });
    assert.equal(r.sqliteRun?.rows, 1);
  });

  it('a write stopped mid-transaction is rolled back by SQLite when the host is killed', async () => {
    // DELETE every row, then spin: the kill lands while the deletion is uncommitted.
    await assert.rejects(explain(f.driver, { sql: `DELETE FROM workers WHERE id IN (SELECT id FROM workers) AND (${SLOW}) > 0`, analyze: true, timeoutMs: 300 }), (e: DbError) => e.kind === 'timeout');
    assert.equal(f.count(), 20_000);
  });

  it('cancels through the AbortSignal', async () => {
    const ac = new AbortController();
    const running = explain(f.driver, { sql: SLOW, analyze: true, timeoutMs: 60_000, signal: ac.signal });
    // Abort as soon as the session has sent the statement (the host is busy with it).
    setImmediate(() => setImmediate(() => ac.abort()));
    const started = Date.now();
    await assert.rejects(running, (e: DbError) => e.kind === 'cancelled');
    assert.ok(Date.now() - started < 3_000);
    const r = await explain(f.driver, { sql: 'SELECT 1', analyze: true, timeoutMs: 5_000 });
    assert.equal(r.sqliteRun?.rows, 1);
  });
});
