/**
 * SQLite pragmas of a real file through the real host driver: a fresh file
 * (SQLite's defaults as better-sqlite3 builds and opens it: 16 MB cache, 5 s busy timeout), the same file
 * switched to WAL (stored in the file: only journal_mode changes), and a
 * connection that sets the seed's recommendations (all ok, no fix).
 */
import * as assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { withJob } from '../../../server/src/db/explain/run';
import { formatPoolText, poolReport, sqlitePragmas } from '../../../server/src/db/health';
import { sqliteFixture, type SqliteFixture } from './fixtures';

const compact = (p: { name: string; value: string; ok: boolean; fix?: string; scope?: string }) => [p.name, p.value, p.ok, p.fix ?? null, p.scope];

describe('db/health: SQLite pragmas', function () {
  this.timeout(30_000);
  let f: SqliteFixture;
  before(async () => {
    f = await sqliteFixture(10);
  });
  after(() => f.dispose());

  it('a fresh file: every pragma off the seed recommendation, each with its fix', async () => {
    const report = await poolReport(f.driver);
    assert.equal(report.driver, 'sqlite');
    assert.equal(report.postgres, undefined);
    assert.deepEqual(report.sqlite!.pragmas.map(compact), [
      ['journal_mode', 'DELETE', false, 'PRAGMA journal_mode = WAL;', 'file'],
      ['synchronous', 'FULL', false, 'PRAGMA synchronous = NORMAL;', 'connection'],
      ['cache_size', '-16000 (15.6 MiB)', false, 'PRAGMA cache_size = 10000;', 'connection'],
      ['temp_store', 'DEFAULT', false, 'PRAGMA temp_store = MEMORY;', 'connection'],
      ['busy_timeout', '5000 ms', false, 'PRAGMA busy_timeout = 30000;', 'connection'],
    ]);
    assert.equal(report.sqlite!.pragmas[2]!.recommended, '10000 (39.1 MiB at 4096-byte pages)');
    const text = formatPoolText(report);
    assert.match(text, /FIX  journal_mode +DELETE +recommended WAL\n +PRAGMA journal_mode = WAL; {2}Write-ahead logging/);
  });

  // better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1: in WAL mode a connection's synchronous defaults to NORMAL.
  it("the file switched to WAL: journal_mode is fixed for every connection (and this build's WAL default synchronous), the others are not", async () => {
    const db = new Database(f.file);
    db.pragma('journal_mode = WAL');
    db.close();
    const report = await poolReport(f.driver);
    assert.deepEqual(report.sqlite!.pragmas.map((p) => [p.name, p.ok]), [
      ['journal_mode', true], ['synchronous', true], ['cache_size', false], ['temp_store', false], ['busy_timeout', false],
    ]);
    assert.equal(report.sqlite!.pragmas[0]!.fix, undefined);
  });

  it('a connection that sets the recommendations: all ok, no fix', async () => {
    const pragmas = await withJob(f.driver, { timeoutMs: 10_000 }, async (job) => {
      for (const p of ['synchronous = NORMAL', 'cache_size = 10000', 'temp_store = MEMORY', 'busy_timeout = 30000']) await job.q(`PRAGMA ${p}`);
      return sqlitePragmas(job);
    });
    assert.deepEqual(pragmas.map(compact), [
      ['journal_mode', 'WAL', true, null, 'file'],
      ['synchronous', 'NORMAL', true, null, 'connection'],
      ['cache_size', '10000 (39.1 MiB)', true, null, 'connection'],
      ['temp_store', 'MEMORY', true, null, 'connection'],
      ['busy_timeout', '30000 ms', true, null, 'connection'],
    ]);
  });
});
