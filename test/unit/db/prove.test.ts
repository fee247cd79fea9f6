/**
 * Index proofs on the three engines: the plan moves from a scan to the index,
 * the times come from EXPLAIN ANALYZE (or costs with HypoPG), and afterwards
 * the index does not exist.
 */
import { skipWithoutPart } from '../../optional';
import * as assert from 'node:assert/strict';
import type { PlanSummary } from '../../../shared/explain';
import { indexProofOf, proveIndex, type RawProofSide } from '../../../server/src/db/prove';
import { DbError, type Driver } from '../../../server/src/db/types';
import { dropPgFixture, pgFixture, pgliteFixture, sqliteFixture, type PgFixture, type SqliteFixture } from './fixtures';

const SQL = "SELECT id FROM workers WHERE planner_id = 7 AND task_status = 'failed'";
const INDEX = { table: 'workers', columns: ['planner_id', 'task_status'], ddl: 'CREATE INDEX CONCURRENTLY workers_planner_id_task_status_idx ON workers (planner_id, task_status);' };

/** A stand-in summariser (plan analysis's own is wired by the integrator): the root's node and scans. */
function summarise(side: RawProofSide): PlanSummary {
  if (side.sqlitePlan) return { topNode: side.sqlitePlan[0]?.detail ?? '', scans: side.sqlitePlan.map((r) => r.detail) };
  const top = (side.pgPlan as { Plan: Record<string, unknown>; 'Execution Time'?: number }[])[0];
  const label = (n: Record<string, unknown>) => `${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''} on ${n['Relation Name']}`;
  const scans: string[] = [];
  const walk = (n: Record<string, unknown>) => {
    if (n['Relation Name']) scans.push(label(n));
    for (const c of (n.Plans as Record<string, unknown>[]) ?? []) walk(c);
  };
  walk(top.Plan);
  return { topNode: String(top.Plan['Node Type']), scans, executionMs: top['Execution Time'], totalCost: Number(top.Plan['Total Cost']) };
}

async function pgIndexes(f: PgFixture): Promise<string[]> {
  return (await f.admin.query('SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY 1', [f.schema])).rows.map((r) => r.indexname);
}

describe('db/prove on PostgreSQL (server)', function () {
  this.timeout(30_000);
  let f: PgFixture | undefined;
  before(async function () {
    f = await pgFixture(50_000);
    if (!f) skipWithoutPart(this, 'no PostgreSQL server at the test URL');
  });
  after(() => dropPgFixture(f));

  it('with HypoPG installed: a hypothetical index and plain EXPLAIN; nothing left behind', async function () {
    const installed = await f!.admin.query(`SELECT 1 FROM pg_extension WHERE extname = 'hypopg'`);
    if (!installed.rowCount) skipWithoutPart(this, 'the HypoPG extension is not installed in this database');
    const raw = await proveIndex(f!.driver, { sql: SQL, index: INDEX, timeoutMs: 10_000 });
    assert.equal(raw.method, 'hypopg');
    assert.equal(raw.indexUsed, true);
    assert.match(raw.indexName, /^<\d+>btree_workers/);
    const proof = indexProofOf(raw, summarise);
    assert.equal(proof.before.executionMs, undefined);
    assert.ok(proof.after.totalCost! < proof.before.totalCost!);
    assert.match(proof.planChange, /^Seq Scan on workers → (Bitmap Heap Scan|Index( Only)? Scan using .*) on workers/);
    assert.match(proof.headline, /^proven on test-pg \(HypoPG hypothetical index\): cost \d+ → cost \d+/);
    assert.deepEqual(await pgIndexes(f!), ['workers_pkey']);
    const s = await f!.driver.session();
    try {
      assert.equal((await s.query('SELECT count(*) AS n FROM hypopg_list_indexes')).rows[0].n, '0');
    } finally {
      await s.release();
    }
  });

  it('the transaction method: EXPLAIN ANALYZE, CREATE INDEX, ANALYZE, EXPLAIN ANALYZE, ROLLBACK', async () => {
    const raw = await proveIndex(f!.driver, { sql: SQL, index: INDEX, timeoutMs: 10_000, method: 'transaction' });
    assert.equal(raw.method, 'transaction');
    assert.equal(raw.indexUsed, true);
    assert.match(raw.ddl, /^CREATE INDEX querylens_proof_\d+_\d+ ON workers \(planner_id, task_status\)$/, 'never CONCURRENTLY');
    const proof = indexProofOf(raw, summarise);
    assert.ok(proof.before.executionMs! > proof.after.executionMs!, `${proof.before.executionMs} > ${proof.after.executionMs}`);
    assert.match(proof.headline, /^proven on test-pg: [\d.]+ ms → [\d.]+ ms \(Seq Scan on workers → /);
    assert.deepEqual(await pgIndexes(f!), ['workers_pkey'], 'the index was rolled back');
  });

  it('proving on a write keeps its rows (both runs in savepoints, all rolled back)', async () => {
    const raw = await proveIndex(f!.driver, { sql: 'DELETE FROM workers WHERE planner_id = $1', params: [7], index: { table: 'workers', columns: ['planner_id'], ddl: '' }, timeoutMs: 10_000, method: 'transaction' });
    const deleted = (side: RawProofSide) => ((side.pgPlan as { Plan: { Plans: Record<string, unknown>[] } }[])[0].Plan.Plans[0]['Actual Rows']);
    assert.equal(deleted(raw.before), 500);
    assert.equal(deleted(raw.after), 500);
    assert.equal(Number((await f!.admin.query('SELECT count(*) AS n FROM workers')).rows[0].n), 50_000);
  });

  it('behind an open write transaction, the proof gives up waiting for its lock rather than hold up the writers behind it', async () => {
    await f!.admin.query('BEGIN');
    try {
      await f!.admin.query('UPDATE workers SET name = name WHERE id = 1');
      await assert.rejects(
        proveIndex(f!.driver, { sql: SQL, index: INDEX, timeoutMs: 10_000, method: 'transaction' }),
        (e: DbError) =>
          e.kind === 'refused' &&
          e.message === 'Connection "test-pg": the proof did not build its index: workers is locked by another transaction, and waiting for it (over 2 s) would hold up every writer of workers behind the proof. Try again when the table is quieter, install HypoPG (it locks nothing), or prove on the embedded shadow database.',
      );
    } finally {
      await f!.admin.query('ROLLBACK');
    }
    assert.deepEqual(await pgIndexes(f!), ['workers_pkey']);
  });

  it('a read-only connection refuses the transaction method', async () => {
    await assert.rejects(proveIndex(f!.driver, { sql: SQL, index: INDEX, timeoutMs: 10_000, method: 'transaction', readOnlyConnection: true }), (e: DbError) => e.kind === 'refused');
  });
});

describe('db/prove on SQLite and PGlite', function () {
  this.timeout(60_000);
  let sqlite: SqliteFixture;
  let pglite: Driver;
  before(async () => {
    [sqlite, pglite] = await Promise.all([sqliteFixture(50_000), pgliteFixture(20_000)]);
  });
  after(async () => {
    await sqlite?.dispose();
    await pglite?.close();
  });

  it('SQLite: SCAN → SEARCH using the index, timed, and the index is gone afterwards', async () => {
    const raw = await proveIndex(sqlite.driver, { sql: SQL, index: INDEX, timeoutMs: 10_000 });
    assert.equal(raw.method, 'transaction');
    assert.deepEqual(raw.before.sqlitePlan?.map((r) => r.detail), ['SCAN workers']);
    assert.match(raw.after.sqlitePlan![0].detail, /^SEARCH workers USING (COVERING )?INDEX querylens_proof_/);
    assert.equal(raw.indexUsed, true);
    assert.equal(raw.before.sqliteRun?.rows, 500);
    assert.equal(raw.after.sqliteRun?.rows, 500);
    const proof = indexProofOf(raw, summarise);
    assert.ok(proof.before.executionMs! > proof.after.executionMs!);
    const s = await sqlite.driver.session();
    try {
      assert.deepEqual((await s.query("SELECT name FROM sqlite_master WHERE type = 'index'")).rows, []);
    } finally {
      await s.release();
    }
  });

  it('PGlite (no HypoPG): the transaction method, the index gone afterwards', async () => {
    const raw = await proveIndex(pglite, { sql: SQL, index: INDEX, timeoutMs: 20_000 });
    assert.equal(raw.method, 'transaction');
    assert.equal(raw.indexUsed, true);
    const s = await pglite.session();
    try {
      assert.deepEqual((await s.query("SELECT indexname FROM pg_indexes WHERE tablename = 'workers'")).rows.map((r) => r.indexname), ['workers_pkey']);
    } finally {
      await s.release();
    }
  });
});

describe('index proof verdict', () => {
  const plan = (ms: number, node: Record<string, unknown>) => [{ Plan: { 'Total Cost': 10, ...node }, 'Execution Time': ms }];
  const raw = (beforeMs: number, afterMs: number, indexUsed: boolean) => ({
    connection: 'embedded', driver: 'embedded' as const, dialect: 'postgres' as const, sql: SQL, params: [], index: INDEX, ddl: INDEX.ddl,
    genericPlan: false, serverVersion: 'PGlite', wallMs: 1, method: 'transaction' as const, indexName: 'querylens_proof_1',
    before: { analyzed: true, pgPlan: plan(beforeMs, { 'Node Type': 'Seq Scan', 'Relation Name': 'workers' }) },
    after: { analyzed: true, pgPlan: plan(afterMs, { 'Node Type': 'Index Scan', 'Index Name': 'querylens_proof_1', 'Relation Name': 'workers' }) },
    indexUsed,
  });

  it('says proven only when the index is used and the query got faster', () => {
    const proven = indexProofOf(raw(8, 2, true), summarise);
    assert.equal(proven.proven, true);
    assert.match(proven.headline, /^proven on embedded: 8\.00 ms → 2\.00 ms \(Seq Scan on workers → Index Scan using querylens_proof_1 on workers\)$/);
    const slower = indexProofOf(raw(3.72, 4.41, true), summarise);
    assert.equal(slower.proven, false);
    assert.match(slower.headline, /^used but not faster on embedded: 3\.72 ms → 4\.41 ms/);
    const unused = indexProofOf(raw(3, 3, false), summarise);
    assert.equal(unused.proven, false);
    assert.match(unused.headline, /^not used on embedded:/);
  });
});
