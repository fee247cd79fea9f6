// Issue 9, item 1 on the real PostgreSQL server: a database whose default (or whose URL) turns
// standard_conforming_strings off, where `'x\''` hides `COMMIT; DELETE FROM victim` from the
// SQL core's parser. Every path that sends the user's statement (explain, analyze, generic
// plan, prove-index, bench) leaves the table whole, because each session forces the setting
// on and every statement goes through the extended protocol (one statement per Parse).
import * as assert from 'node:assert/strict';
import { runBenchmark } from '../../../server/src/db/bench';
import { openDriver } from '../../../server/src/db/drivers';
import { explain } from '../../../server/src/db/explain';
import { proveIndex } from '../../../server/src/db/prove';
import { DbError, type Driver } from '../../../server/src/db/types';
import { ATTACK, legacyStringsDatabase, type LegacyStringsDatabase } from './fixtures';

describe('one statement, always (standard_conforming_strings off on the server)', function () {
  this.timeout(60_000);
  let db: LegacyStringsDatabase | undefined;
  const drivers: Driver[] = [];
  const open = async (url: string) => {
    const driver = await openDriver({ name: 'legacy', driver: 'postgres', url, readOnly: true, production: true });
    drivers.push(driver);
    return driver;
  };

  before(async function () {
    db = await legacyStringsDatabase(5);
    if (!db) this.skip();
  });
  after(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    await db?.drop();
  });

  it('a session reads strings as the SQL core does, whatever the database or the URL say', async () => {
    for (const url of [db!.url, db!.urlWithOptions]) {
      const session = await (await open(url)).session();
      try {
        assert.deepEqual((await session.query('SHOW standard_conforming_strings')).rows, [{ standard_conforming_strings: 'on' }]);
        // The literal is one string of seven characters, as libpg-query read it.
        assert.deepEqual((await session.query("SELECT 'x\\'';COMMIT;DELETE FROM victim;--' AS s")).rows, [{ s: "x\\';COMMIT;DELETE FROM victim;--" }]);
      } finally {
        await session.release();
      }
    }
  });

  for (const via of ['the database default', 'the URL options'] as const) {
    it(`the reproduction through explain, analyze, prove-index and bench leaves every row (${via})`, async () => {
      const driver = await open(via === 'the URL options' ? db!.urlWithOptions : db!.url);
      const plain = await explain(driver, { sql: ATTACK, analyze: false, timeoutMs: 10_000, readOnlyConnection: true });
      assert.equal((plain.pgPlan as { Plan: Record<string, unknown> }[])[0]!.Plan['Node Type'], 'Result');
      assert.equal(plain.sql, "SELECT 'x\\'';COMMIT;DELETE FROM victim;--' AS s");
      await explain(driver, { sql: ATTACK, analyze: true, timeoutMs: 10_000 });
      await proveIndex(driver, { sql: ATTACK, index: { table: 'victim', columns: ['id'], ddl: '' }, timeoutMs: 10_000, method: 'transaction' });
      const run = await runBenchmark(driver, { sql: ATTACK, params: [], iterations: 3, warmup: 1, concurrency: 1, timeoutMs: 10_000 });
      assert.equal(run.stats.errors, 0);
      assert.equal(await db!.victims(), 5);
    });
  }

  it('a second statement sent to a session is a server error, never run (the extended protocol)', async () => {
    const session = await (await open(db!.url)).session();
    try {
      await assert.rejects(session.query('SELECT 1; DELETE FROM victim'), (e: DbError) => e.kind === 'sql' && /cannot insert multiple commands into a prepared statement/.test(e.message));
    } finally {
      await session.release();
    }
    assert.equal(await db!.victims(), 5);
  });
});
