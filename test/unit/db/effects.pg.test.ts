// Issue 9, item 2 on the real PostgreSQL server, in a database of its own (dblink installed
// there): what a rollback cannot undo is refused before it runs, on every path (Explain,
// Explain Analyze, prove-index, bench), and the database shows nothing changed: no row
// committed through dblink (even from an IMMUTABLE function, which planning runs), no sequence
// advanced, no advisory lock or SET left on the pooled connection. Then QueryLens under a real
// read-only role (SELECT only, default_transaction_read_only on, as the README recommends):
// Explain works, and what the role may not do fails with the server's message.
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { runBenchmark } from '../../../server/src/db/bench';
import { openDriver } from '../../../server/src/db/drivers';
import { explain } from '../../../server/src/db/explain';
import { proveIndex } from '../../../server/src/db/prove';
import { DbError, type Driver } from '../../../server/src/db/types';
import { ownDatabase, type OwnDatabase } from './fixtures';

type Path = 'Explain' | 'Explain Analyze' | 'prove-index' | 'bench';
const PATHS: Path[] = ['Explain', 'Explain Analyze', 'prove-index', 'bench'];

function runOn(driver: Driver, path: Path, sql: string): Promise<unknown> {
  const timeoutMs = 10_000;
  switch (path) {
    case 'Explain':
      return explain(driver, { sql, analyze: false, timeoutMs });
    case 'Explain Analyze':
      return explain(driver, { sql, analyze: true, timeoutMs });
    case 'prove-index':
      return proveIndex(driver, { sql, index: { table: 'workers', columns: ['name'], ddl: '' }, timeoutMs, method: 'transaction' });
    case 'bench':
      return runBenchmark(driver, { sql, params: [], iterations: 2, warmup: 0, concurrency: 1, timeoutMs });
  }
}

const refusedWith = (text: string) => (e: DbError) => {
  assert.equal(e.kind, 'refused', e.message);
  assert.equal(e.message.includes(text), true, e.message);
  return true;
};

describe('what a rollback cannot undo is refused (PostgreSQL server)', function () {
  this.timeout(120_000);
  let db: OwnDatabase | undefined;
  let driver: Driver;
  const ledger = async () => (await db!.run('SELECT note FROM ledger ORDER BY note')).map((r) => r.note);
  const ticket = async () => (await db!.run('SELECT last_value, is_called FROM tickets'))[0];

  before(async function () {
    db = await ownDatabase('querylens_effects');
    if (!db) this.skip();
    const here = new URL(db.url);
    const loopback = `host=${here.hostname} port=${here.port || 5432} dbname=${db.name} user=${decodeURIComponent(here.username) || 'postgres'}`;
    await db.run(`CREATE EXTENSION dblink;
      CREATE TABLE workers (id integer PRIMARY KEY, name text NOT NULL);
      INSERT INTO workers SELECT g, 'worker ' || g FROM generate_series(1, 2000) g;
      ANALYZE workers;
      CREATE TABLE ledger (note text);
      CREATE SEQUENCE tickets;
      CREATE FUNCTION frozen_ticket() RETURNS bigint IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN RETURN nextval('tickets'); END $$;
      CREATE FUNCTION remote_note() RETURNS integer IMMUTABLE LANGUAGE plpgsql AS $$
        BEGIN PERFORM dblink_exec('${loopback}', 'INSERT INTO ledger VALUES (''remote'')'); RETURN 1; END $$;
      CREATE FUNCTION wrapped_note() RETURNS integer IMMUTABLE LANGUAGE sql AS $$ SELECT remote_note() + 0 $$;
      CREATE FUNCTION touch_ledger() RETURNS integer VOLATILE LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ledger VALUES ('local'); RETURN 1; END $$;
      CREATE TABLE audited (id integer PRIMARY KEY, touched timestamptz);
      CREATE TABLE stamped (id integer PRIMARY KEY, touched timestamptz);
      CREATE FUNCTION audit_remote() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM dblink_exec('${loopback}', 'INSERT INTO ledger VALUES (''audit'')'); RETURN NEW; END $$;
      CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$;
      CREATE TRIGGER audit_remote AFTER INSERT ON audited FOR EACH ROW EXECUTE FUNCTION audit_remote();
      CREATE TRIGGER stamp BEFORE INSERT ON stamped FOR EACH ROW EXECUTE FUNCTION stamp();
      CREATE VIEW remote_view AS SELECT w.id, remote_note() AS n FROM workers w;
      CREATE VIEW remote_view_of_view AS SELECT id FROM remote_view;
      CREATE VIEW locking_view AS SELECT id, pg_try_advisory_lock(id) AS locked FROM workers;
      CREATE VIEW worker_names AS SELECT id, name FROM workers;
      CREATE FUNCTION twice(x integer) RETURNS integer IMMUTABLE LANGUAGE sql AS $$ SELECT x * 2 $$;`);
    driver = await openDriver({ name: 'effects', driver: 'postgres', url: db.url });
  });
  after(async () => {
    await driver?.close();
    await db?.drop();
  });

  it('the threat is real: plain EXPLAIN of an IMMUTABLE function calling dblink commits a row, rollback or not', async () => {
    const raw = new Client({ connectionString: db!.url });
    await raw.connect();
    try {
      await raw.query('BEGIN READ ONLY');
      await raw.query('EXPLAIN SELECT * FROM workers WHERE id = remote_note()');
      await raw.query('ROLLBACK');
    } finally {
      await raw.end();
    }
    assert.deepEqual(await ledger(), ['remote']);
    await db!.run('TRUNCATE ledger');
  });

  for (const path of PATHS) {
    it(`${path}: refuses a user function whose source calls dblink (directly or through another), and nothing is committed`, async () => {
      await assert.rejects(
        runOn(driver, path, 'SELECT * FROM workers WHERE id = remote_note()'),
        refusedWith('QueryLens did not run this: it calls public.remote_note(), whose source calls dblink_exec(), which runs SQL on a connection of its own, which commits whatever QueryLens rolls back.'),
      );
      await assert.rejects(
        runOn(driver, path, 'SELECT * FROM workers WHERE id = wrapped_note()'),
        refusedWith('it calls public.wrapped_note(), which calls public.remote_note(), whose source calls dblink_exec(), which runs SQL'),
      );
      await assert.rejects(runOn(driver, path, "SELECT dblink_exec('dbname=x', 'DELETE FROM workers')"), refusedWith('it calls dblink_exec(), which runs SQL on a connection of its own'));
      assert.deepEqual(await ledger(), []);
    });

    it(`${path}: no sequence advances (an IMMUTABLE function calling nextval, nextval itself)`, async () => {
      await assert.rejects(runOn(driver, path, 'SELECT name FROM workers WHERE id = frozen_ticket()'), refusedWith('it calls public.frozen_ticket(), whose source calls nextval(), which advances or sets a sequence'));
      if (path === 'Explain') await runOn(driver, path, "SELECT nextval('tickets')");
      else await assert.rejects(runOn(driver, path, "SELECT nextval('tickets')"), refusedWith('it calls nextval(), which advances or sets a sequence, which no rollback undoes.'));
      assert.deepEqual(await ticket(), { last_value: '1', is_called: false });
    });

    it(`${path}: a VOLATILE user function ${path === 'Explain' ? 'is only planned' : 'is refused'}; an IMMUTABLE SQL one runs`, async () => {
      const sql = 'SELECT touch_ledger() FROM workers WHERE id = twice(2)';
      if (path === 'Explain') await runOn(driver, path, sql);
      else await assert.rejects(runOn(driver, path, sql), refusedWith('it calls public.touch_ledger(), a VOLATILE function: it may change data in ways a rollback does not undo'));
      await runOn(driver, path, 'SELECT name FROM workers WHERE id = twice(2)');
      assert.deepEqual(await ledger(), []);
    });
  }

  it('a write whose trigger calls dblink is refused when it would run; an ordinary trigger runs and is rolled back', async () => {
    const sql = 'INSERT INTO audited (id) VALUES (1)';
    await runOn(driver, 'Explain', sql);
    for (const path of ['Explain Analyze', 'prove-index', 'bench'] as const) {
      await assert.rejects(
        runOn(driver, path, sql),
        refusedWith('QueryLens did not run this: it fires trigger audit_remote on public.audited, which calls public.audit_remote(), whose source calls dblink_exec(), which runs SQL on a connection of its own'),
      );
    }
    const stamped = (await explain(driver, { sql: 'INSERT INTO stamped (id) VALUES (1)', analyze: true, timeoutMs: 10_000 })).pgPlan as { Triggers: { 'Trigger Name': string; Calls: number }[] }[];
    assert.deepEqual(stamped[0]!.Triggers.map((t) => [t['Trigger Name'], t.Calls]), [['stamp', 1]]);
    assert.deepEqual(await ledger(), []);
    assert.deepEqual(await db!.run('SELECT * FROM audited UNION ALL SELECT * FROM stamped'), []);
  });

  it('a view is read as what it is: one whose definition calls dblink or takes a lock is refused, a plain one explained', async () => {
    for (const path of PATHS) {
      await assert.rejects(
        runOn(driver, path, 'SELECT id FROM remote_view_of_view WHERE id = 1'),
        refusedWith('QueryLens did not run this: it reads view public.remote_view, which calls public.remote_note(), whose source calls dblink_exec()'),
      );
      await assert.rejects(runOn(driver, path, 'SELECT count(*) FROM public.locking_view'), refusedWith('it reads view public.locking_view, which calls pg_try_advisory_lock(), which takes or releases an advisory lock'));
      await runOn(driver, path, 'SELECT name FROM worker_names WHERE id = 7');
    }
    assert.deepEqual(await ledger(), []);
  });

  it('an advisory lock or a SET does not stay on the pooled connection after the session', async () => {
    const first = (await driver.session()) as Awaited<ReturnType<Driver['session']>> & { pid: number };
    const workMem = (await first.query('SHOW work_mem')).rows;
    await first.query('SELECT pg_advisory_lock(4242)');
    await first.query("SET work_mem = '1234kB'");
    await first.release();
    const next = (await driver.session()) as typeof first;
    try {
      assert.equal(next.pid, first.pid, 'the same pooled connection');
      assert.notDeepEqual(workMem, [{ work_mem: '1234kB' }]);
      assert.deepEqual((await next.query('SHOW work_mem')).rows, workMem);
      const held = await db!.run(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND pid = ${first.pid}`);
      assert.equal(Number(held[0]!.n), 0);
    } finally {
      await next.release();
    }
  });

  it('works under a read-only role: Explain, Explain Analyze and bench of a SELECT; what the role may not do fails with the server\'s reason', async () => {
    const role = `querylens_ro_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
    await db!.run(`CREATE ROLE ${role} LOGIN; GRANT CONNECT ON DATABASE ${db!.name} TO ${role}; GRANT USAGE ON SCHEMA public TO ${role}; GRANT SELECT ON workers TO ${role}; ALTER ROLE ${role} SET default_transaction_read_only = on`);
    const url = new URL(db!.url);
    url.username = role;
    const readOnly = await openDriver({ name: 'read-only', driver: 'postgres', url: url.toString() });
    try {
      const plain = await explain(readOnly, { sql: 'SELECT name FROM workers WHERE id = $1', params: [7], analyze: false, timeoutMs: 10_000 });
      assert.equal((plain.pgPlan as { Plan: Record<string, unknown> }[])[0]!.Plan['Node Type'], 'Index Scan');
      const analyzed = await explain(readOnly, { sql: 'SELECT name FROM workers WHERE id = $1', params: [7], analyze: true, timeoutMs: 10_000 });
      assert.equal((analyzed.pgPlan as { Plan: Record<string, unknown> }[])[0]!.Plan['Actual Rows'], 1);
      const run = await runBenchmark(readOnly, { sql: 'SELECT count(*) FROM workers', params: [], iterations: 3, warmup: 0, concurrency: 1, timeoutMs: 10_000 });
      assert.equal(run.stats.errors, 0);
      await assert.rejects(explain(readOnly, { sql: 'DELETE FROM workers', analyze: true, timeoutMs: 10_000 }), (e: DbError) => e.kind === 'sql' && /permission denied for table workers/.test(e.message));
      await assert.rejects(proveIndex(readOnly, { sql: 'SELECT id FROM workers WHERE name = $1', params: ['worker 7'], index: { table: 'workers', columns: ['name'], ddl: '' }, timeoutMs: 10_000, method: 'transaction' }), (e: DbError) => e.kind === 'sql' && /must be owner of table workers/.test(e.message));
      assert.equal(Number((await db!.run('SELECT count(*) AS n FROM workers'))[0]!.n), 2000);
    } finally {
      await readOnly.close();
      await db!.run(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });
});
