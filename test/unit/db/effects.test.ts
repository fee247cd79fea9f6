// Issue 9, item 2, on the parsed statement (no database): the functions a rollback cannot undo
// are refused wherever they sit in the statement, with the reason; nextval/setval only when the
// statement runs (plain EXPLAIN never calls a VOLATILE built-in); ordinary functions pass.
import * as assert from 'node:assert/strict';
import { classifyStatement } from '../../../server/src/db/explain';
import { DbError } from '../../../server/src/db/types';

const refusedAs = (message: string) => (e: DbError) => e.kind === 'refused' && e.message === message;
const advice = 'A rollback cannot undo that, so QueryLens never runs it; run it yourself if you mean it.';

describe('db/explain: functions a rollback cannot undo, on the parsed statement', () => {
  const refused: [string, string, string][] = [
    ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity', 'pg_terminate_backend', 'stops another session'],
    ['WITH gone AS (SELECT pg_catalog.pg_cancel_backend(42)) SELECT * FROM gone', 'pg_cancel_backend', 'stops another session'],
    ['SELECT id FROM workers WHERE id IN (SELECT pg_stat_reset_shared(\'bgwriter\'))', 'pg_stat_reset_shared', "resets the server's statistics"],
    ['SELECT 1 FROM workers ORDER BY pg_switch_wal()', 'pg_switch_wal', 'controls the server, its WAL or its replication'],
    ["UPDATE workers SET name = (SELECT x FROM public.dblink('dbname=app', 'SELECT 1') AS t(x text))", 'dblink', 'runs SQL on a connection of its own, which commits whatever QueryLens rolls back'],
    ["SELECT lo_export(42, '/tmp/out')", 'lo_export', 'works on large objects and server files (lo_export writes a file no rollback removes)'],
    ["SELECT pg_file_write('f', 'x', false)", 'pg_file_write', 'writes, renames or removes files on the server'],
    ["SELECT id FROM workers WHERE name = query_to_xml('SELECT dblink_exec(''x'', ''DELETE FROM workers'')', true, true, '')::text", 'query_to_xml', 'runs SQL given as a string, which QueryLens cannot check'],
    ['SELECT count(*) FROM workers WHERE pg_try_advisory_lock(id)', 'pg_try_advisory_lock', 'takes or releases an advisory lock, which other sessions wait on'],
  ];
  for (const [sql, name, why] of refused) {
    it(`refuses ${name}() in Explain and Explain Analyze: ${sql}`, async () => {
      for (const mode of ['plan', 'run'] as const) {
        await assert.rejects(classifyStatement(sql, 'postgres', 'app', mode), refusedAs(`Connection "app": QueryLens did not run this: it calls ${name}(), which ${why}. ${advice}`));
      }
    });
  }

  it('nextval and setval: planned, never run', async () => {
    const sql = "INSERT INTO workers (id, planner_id, task_status) VALUES (nextval('workers_id_seq'), 1, 'pending')";
    const planned = await classifyStatement(sql, 'postgres', 'app', 'plan');
    assert.deepEqual(planned.functions, [{ name: 'nextval' }]);
    await assert.rejects(classifyStatement(sql, 'postgres', 'app', 'run'), refusedAs(`Connection "app": QueryLens did not run this: it calls nextval(), which advances or sets a sequence, which no rollback undoes. ${advice}`));
    await assert.rejects(classifyStatement("SELECT setval('s', 1)", 'postgres', 'app', 'run'), (e: DbError) => e.kind === 'refused' && /setval\(\)/.test(e.message));
  });

  it('ordinary functions run, and each call is listed with its schema', async () => {
    const r = await classifyStatement("SELECT lower(name), app.score(id), now() FROM workers WHERE created_at > now() - interval '1 day'", 'postgres', 'app', 'run');
    assert.deepEqual(r.functions, [{ name: 'lower' }, { schema: 'app', name: 'score' }, { name: 'now' }, { name: 'now' }]);
  });
});
