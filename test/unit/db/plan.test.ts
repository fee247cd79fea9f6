/**
 * Plan analysis on real plans: crafted tables on the PostgreSQL server (a
 * schema per run) explained with ANALYZE and BUFFERS; each problem's fix is
 * then applied and shown to remove the problem. The shadow database on PGlite
 * gives the seed's plan through PostgreSQL 18.
 */
import { strict as assert } from 'node:assert';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initParsers } from '../../../server/src/core/sql/parse';
import { pgPlanProblems, summarizePgPlan } from '../../../server/src/db/plan';
import { buildShadow } from '../../../server/src/db/shadow';
import { pgliteSession, pgSchemaSession, type ClosableSession } from './shadow-sessions';

describe('PostgreSQL plan analysis', function () {
  this.timeout(60_000);
  let db: ClosableSession;

  before(async function () {
    await initParsers();
    const session = await pgSchemaSession();
    if (!session) return this.skip();
    db = session;
    for (const sql of [
      'CREATE TABLE events (id serial PRIMARY KEY, account_id int NOT NULL, kind varchar(20) NOT NULL, created_at timestamptz NOT NULL, payload text)',
      "INSERT INTO events (account_id, kind, created_at, payload) SELECT g % 1000, (ARRAY['click','view','buy'])[1 + g % 3], '2024-01-01'::timestamptz + g * interval '1 minute', repeat('x', 40) FROM generate_series(1, 100000) g",
      // zip decides city: the planner multiplies their selectivities as if they were independent.
      'CREATE TABLE addresses (id serial PRIMARY KEY, city int NOT NULL, zip int NOT NULL)',
      'INSERT INTO addresses (city, zip) SELECT g % 100, g % 1000 FROM generate_series(1, 50000) g',
      'CREATE TABLE orders (id int PRIMARY KEY, customer text)',
      "INSERT INTO orders SELECT g, 'c' || g FROM generate_series(1, 2000) g",
      'CREATE TABLE items (id int PRIMARY KEY, order_id int NOT NULL, qty int)',
      'INSERT INTO items SELECT g, 1 + g % 2000, g % 7 FROM generate_series(1, 300) g',
      // Statistics from every row (no sampling), so estimates are the same on every run.
      'SET default_statistics_target = 1000',
      'ANALYZE',
      'SET max_parallel_workers_per_gather = 0',
    ])
      await db.query(sql);
  });
  after(async () => db?.close());

  /** EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) inside a rolled-back transaction with the given SET LOCALs. */
  async function explain(sql: string, settings: string[] = [], options = 'ANALYZE, BUFFERS, FORMAT JSON'): Promise<unknown> {
    await db.query('BEGIN');
    try {
      for (const s of settings) await db.query(`SET LOCAL ${s}`);
      return (await db.query(`EXPLAIN (${options}) ${sql}`)).rows[0]['QUERY PLAN'];
    } finally {
      await db.query('ROLLBACK');
    }
  }

  const SELECTIVE = "SELECT id FROM events WHERE account_id = 42 AND kind = 'click'";

  it('summarises an analysed plan: times, cost, actual rows, buffers, top node and scans', async () => {
    const summary = summarizePgPlan(await explain(SELECTIVE));
    assert.equal(summary.topNode, 'Seq Scan on events');
    assert.deepEqual(summary.scans, ['Seq Scan on events']);
    assert.equal(summary.rows, 34);
    assert.ok(summary.executionMs! > 0 && summary.planningMs! > 0 && summary.totalCost! > 0);
    assert.ok(summary.buffers!.sharedHit + summary.buffers!.sharedRead >= 1000, 'the scan read the table');
    const join = summarizePgPlan(await explain('SELECT o.id FROM orders o JOIN items i ON i.order_id = o.id WHERE i.qty = 3', [], 'FORMAT JSON'));
    assert.equal(join.executionMs, undefined);
    assert.equal(join.buffers, undefined);
    assert.ok(join.scans.includes('Seq Scan on items i'), join.scans.join(', '));
  });

  it('finds a sequential scan discarding most rows, with the index that serves its filter; the index removes it', async () => {
    const plan = await explain(SELECTIVE);
    const [problem, ...rest] = pgPlanProblems(plan);
    assert.deepEqual(rest, []);
    assert.equal(problem.kind, 'seq-scan-filter');
    assert.equal(problem.message, 'Seq Scan on events reads 100,000 rows to return 34: its filter on account_id and kind discards 99.9% of the rows it reads.');
    assert.deepEqual(problem.index, { table: 'events', columns: ['account_id', 'kind'], ddl: 'CREATE INDEX idx_events_account_id_kind ON events (account_id, kind);' });
    assert.equal(
      problem.fix,
      'CREATE INDEX idx_events_account_id_kind ON events (account_id, kind); lets the database read only the matching rows. On a live production table use CREATE INDEX CONCURRENTLY idx_events_account_id_kind ON events (account_id, kind); (it does not block writes while it builds, but cannot run inside a transaction).',
    );
    assert.deepEqual(problem.nodePath, []);
    assert.ok(problem.selfMs! > 0);
    // Equality columns first, then the one range column, whatever order the filter names them in.
    const ranged = pgPlanProblems(await explain("SELECT id FROM events WHERE created_at >= '2024-02-01' AND created_at < '2024-02-02' AND kind = 'view'"));
    assert.deepEqual(ranged[0].index?.columns, ['kind', 'created_at']);

    await db.query('BEGIN');
    await db.query(problem.index!.ddl);
    const after = (await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${SELECTIVE}`)).rows[0]['QUERY PLAN'];
    await db.query('ROLLBACK');
    assert.deepEqual(pgPlanProblems(after), []);
    assert.deepEqual(summarizePgPlan(after).scans, ['Bitmap Heap Scan on events', 'Bitmap Index Scan on idx_events_account_id_kind']);
  });

  it('judges a plain EXPLAIN by the estimates and the table size', async () => {
    const plan = await explain(SELECTIVE, [], 'FORMAT JSON');
    assert.deepEqual(pgPlanProblems(plan), [], 'without the table size nothing says how much the filter discards');
    const [problem] = pgPlanProblems(plan, { tableRows: { events: 100_000 } });
    assert.equal(problem.message, 'Seq Scan on events reads all 100,000 rows of the table to return an estimated 33: its filter on account_id and kind discards 99.9% of the rows it reads.');
    assert.equal(problem.selfMs, undefined);
    const summary = summarizePgPlan(plan);
    assert.equal(summary.rows, 33);
    assert.equal(summary.topNode, 'Seq Scan on events');
  });

  it('finds a row misestimate from correlated columns; the suggested extended statistics fix it', async () => {
    const query = 'SELECT id FROM addresses WHERE city = 5 AND zip = 105';
    const problems = pgPlanProblems(await explain(query));
    assert.deepEqual(problems.map((p) => p.kind), ['seq-scan-filter', 'row-misestimate']);
    const misestimate = problems[1];
    assert.equal(misestimate.message, 'Seq Scan on addresses returned 50 rows where the planner estimated 1 (50x more): plans built on wrong estimates pick the wrong scans, join methods and join orders.');
    assert.equal(
      misestimate.fix,
      'The filtered columns city and zip depend on each other, which the planner assumes they do not: CREATE STATISTICS addresses_city_zip_stats (dependencies, ndistinct, mcv) ON city, zip FROM addresses; ANALYZE addresses;',
    );
    await db.query('BEGIN');
    await db.query('CREATE STATISTICS addresses_city_zip_stats (dependencies, ndistinct, mcv) ON city, zip FROM addresses');
    await db.query('ANALYZE addresses');
    const after = (await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`)).rows[0]['QUERY PLAN'];
    await db.query('ROLLBACK');
    assert.deepEqual(pgPlanProblems(after).map((p) => p.kind), ['seq-scan-filter']);
  });

  it('finds a sort spilling to disk; the work_mem it suggests keeps the sort in memory', async () => {
    const query = 'SELECT id, payload FROM events ORDER BY created_at DESC';
    const plan = await explain(query, ["work_mem = '64kB'"]);
    const used = (plan as { Plan: { 'Sort Space Used': number } }[])[0].Plan['Sort Space Used'];
    const [problem] = pgPlanProblems(plan);
    assert.equal(problem.kind, 'disk-spill');
    assert.equal(problem.message, `Sort spills ${used.toLocaleString('en-US')} kB to disk (external merge): work_mem is smaller than the rows it sorts, so they are written out and merged back.`);
    const setting = /SET LOCAL work_mem = '(\w+)'/.exec(problem.fix)![1];
    const fixed = await explain(query, [`work_mem = '${setting}'`]);
    assert.equal((fixed as { Plan: { 'Sort Space Type': string } }[])[0].Plan['Sort Space Type'], 'Memory');
    assert.deepEqual(pgPlanProblems(fixed), []);
  });

  it('finds a hash join spilling to disk in batches; the suggested work_mem holds it in one', async () => {
    const query = 'SELECT e.id, a.zip FROM events e JOIN addresses a ON a.id = e.account_id';
    const off = ['enable_nestloop = off', 'enable_mergejoin = off'];
    const problems = pgPlanProblems(await explain(query, [...off, "work_mem = '64kB'"]));
    const spill = problems.find((p) => p.kind === 'disk-spill')!;
    assert.match(spill.message, /^Hash splits its 50,000 rows into \d+ batches on disk \(peak memory [\d,]+ kB\): work_mem is smaller than the hash table/);
    const setting = /SET LOCAL work_mem = '(\w+)'/.exec(spill.fix)![1];
    const fixed = pgPlanProblems(await explain(query, [...off, `work_mem = '${setting}'`]));
    assert.equal(fixed.find((p) => p.kind === 'disk-spill'), undefined);
  });

  it('finds a nested loop scanning its inner table once per outer row, with the index on the inner join column', async () => {
    const query = 'SELECT o.id, i.qty FROM orders o LEFT JOIN items i ON i.order_id = o.id';
    const problems = pgPlanProblems(await explain(query, ['enable_hashjoin = off', 'enable_mergejoin = off']));
    const loop = problems.find((p) => p.kind === 'nested-loop')!;
    assert.equal(loop.message, 'Nested Loop runs Seq Scan on items i 2,000 times (once per row of orders o): the inner side is repeated for every outer row.');
    assert.deepEqual(loop.index, { table: 'items', columns: ['order_id'], ddl: 'CREATE INDEX idx_items_order_id ON items (order_id);' });
    assert.match(loop.fix, /^CREATE INDEX idx_items_order_id ON items \(order_id\); turns each repetition into an index lookup instead of a scan of items\./);
    assert.deepEqual(loop.nodePath, []);
  });

  it("reads PGlite's PostgreSQL 18 plan of the seed's query on the shadow database (varchar casts included)", async () => {
    const pglite = await pgliteSession();
    try {
      const catalog = Workspace.fromFiles({ root: '/plan', config: defaultConfig() }, {
        'migrations/001_workers.sql':
          'CREATE TABLE planners (planner_id VARCHAR(32) PRIMARY KEY);\n' +
          'CREATE TABLE workers (worker_id VARCHAR(32) PRIMARY KEY, planner_id VARCHAR(32) NOT NULL REFERENCES planners (planner_id), task_status VARCHAR(50) NOT NULL);',
      }).catalog();
      await buildShadow(pglite, catalog, { dialect: 'postgres' });
      const busy = (await pglite.query('SELECT planner_id FROM workers GROUP BY planner_id ORDER BY count(*) DESC, planner_id LIMIT 1')).rows[0].planner_id;
      const query = `SELECT worker_id FROM workers WHERE planner_id = '${busy}' AND task_status = 'pending'`;
      const plan = (await pglite.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query}`)).rows[0]['QUERY PLAN'];
      assert.equal(summarizePgPlan(plan).topNode, 'Seq Scan on workers');
      const [problem] = pgPlanProblems(plan, { catalog });
      assert.equal(problem.kind, 'seq-scan-filter');
      assert.match(problem.message, /^Seq Scan on workers reads 10,000 rows to return \d: its filter on planner_id and task_status discards 99\.\d% of the rows it reads\.$/);
      assert.deepEqual(problem.index?.columns, ['planner_id', 'task_status']);
    } finally {
      await pglite.close();
    }
  });
});
