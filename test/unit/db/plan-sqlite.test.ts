/**
 * SQLite plan analysis on real `EXPLAIN QUERY PLAN` output (better-sqlite3,
 * in memory, tables filled by the shadow database): SCAN vs SEARCH, temp
 * B-tree sorts, each problem's index shown to turn the SCAN into a SEARCH.
 */
import { strict as assert } from 'node:assert';
import { defaultConfig } from '../../../server/src/core/config/types';
import type { Catalog } from '../../../server/src/core/catalog/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { sqlitePlanProblems, sqlitePlanTree, type SqlitePlanRow } from '../../../server/src/db/plan';
import { buildShadow } from '../../../server/src/db/shadow';
import { sqliteSession, type ClosableSession } from './shadow-sessions';

describe('SQLite plan analysis', () => {
  let db: ClosableSession;
  let catalog: Catalog;

  before(async () => {
    catalog = Workspace.fromFiles({ root: '/plan', config: { ...defaultConfig(), dialect: 'sqlite' } }, {
      'migrations/001_workers.sql':
        'CREATE TABLE planners (planner_id TEXT PRIMARY KEY, status TEXT NOT NULL);\n' +
        'CREATE TABLE workers (worker_id TEXT PRIMARY KEY, planner_id TEXT NOT NULL REFERENCES planners (planner_id), task_status TEXT NOT NULL, updated_at DATETIME);\n' +
        'CREATE INDEX idx_planners_status ON planners (status);',
    }).catalog();
    db = sqliteSession();
    const report = await buildShadow(db, catalog, { dialect: 'sqlite', rowsPerTable: 5_000 });
    assert.deepEqual(report.failed, []);
  });
  after(async () => db.close());

  async function plan(sql: string, params: unknown[] = []) {
    const rows = (await db.query(`EXPLAIN QUERY PLAN ${sql}`, params)).rows as unknown as SqlitePlanRow[];
    return sqlitePlanTree(rows);
  }

  const SEED = "SELECT worker_id FROM workers WHERE planner_id = ? AND task_status = 'pending'";

  it('finds the full scan of a filtered table, with the index its filter needs; the index turns it into a search', async () => {
    const tree = await plan(SEED, ['planner_id_7']);
    assert.deepEqual(tree.map((n) => [n.detail, n.kind]), [['SCAN workers', 'scan']]);
    const [problem, ...rest] = sqlitePlanProblems(tree, { sql: SEED, catalog });
    assert.deepEqual(rest, []);
    assert.equal(problem.kind, 'full-scan');
    assert.equal(problem.message, 'SCAN workers reads every row of workers to find those matching its filter on planner_id and task_status.');
    assert.deepEqual(problem.index, { table: 'workers', columns: ['planner_id', 'task_status'], ddl: 'CREATE INDEX idx_workers_planner_id_task_status ON workers (planner_id, task_status);' });
    assert.deepEqual(problem.nodePath, [0]);

    await db.query(problem.index!.ddl);
    const after = await plan(SEED, ['planner_id_7']);
    assert.deepEqual(after.map((n) => ({ detail: n.detail, kind: n.kind, index: n.index })), [
      { detail: 'SEARCH workers USING INDEX idx_workers_planner_id_task_status (planner_id=? AND task_status=?)', kind: 'search', index: 'idx_workers_planner_id_task_status' },
    ]);
    assert.deepEqual(sqlitePlanProblems(after, { sql: SEED, catalog }), []);
    await db.query('DROP INDEX idx_workers_planner_id_task_status');
  });

  it('finds a temp B-tree sort, with the index that returns rows in order', async () => {
    const sql = 'SELECT worker_id FROM workers w WHERE w.planner_id = ? ORDER BY w.updated_at';
    const tree = await plan(sql, ['planner_id_7']);
    assert.deepEqual(tree.map((n) => n.kind), ['scan', 'temp']);
    const problems = sqlitePlanProblems(tree, { sql, catalog });
    assert.deepEqual(problems.map((p) => p.kind), ['full-scan', 'temp-btree']);
    assert.equal(problems[1].message, 'SQLite builds a temporary B-tree for ORDER BY (USE TEMP B-TREE FOR ORDER BY): it reads and sorts every matching row before returning the first.');
    assert.deepEqual(problems[1].index?.columns, ['planner_id', 'updated_at']);
    assert.equal(problems[1].severity, 'info');

    await db.query(problems[1].index!.ddl);
    const after = await plan(sql, ['planner_id_7']);
    assert.deepEqual(after.map((n) => [n.kind, n.index]), [['search', 'idx_workers_planner_id_updated_at']]);
    assert.deepEqual(sqlitePlanProblems(after, { sql, catalog }), []);
  });

  it('builds the tree of nested plan rows and reads covering, primary-key and automatic indexes', async () => {
    const sql = "SELECT worker_id FROM workers WHERE planner_id IN (SELECT planner_id FROM planners WHERE status = 'done') AND worker_id > 'w'";
    const tree = await plan(sql);
    const flat = (nodes: typeof tree, depth = 0): string[] => nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.kind}${n.index ? ` ${n.index}` : ''}${n.covering ? ' covering' : ''}`, ...flat(n.children, depth + 1)]);
    assert.ok(flat(tree).some((line) => line.startsWith('  ')), `nested rows: ${flat(tree).join(' | ')}`);
    assert.ok(flat(tree).some((line) => line.trim() === 'search idx_planners_status'), flat(tree).join(' | '));
    assert.deepEqual(sqlitePlanTree([{ id: 2, parent: 0, detail: 'SEARCH b USING AUTOMATIC COVERING INDEX (c=?)' }, { id: 3, parent: 0, detail: 'SEARCH w USING INTEGER PRIMARY KEY (rowid=?)' }]).map((n) => [n.kind, n.index, n.covering]), [
      ['search', 'AUTOMATIC', true],
      ['search', 'INTEGER PRIMARY KEY', undefined],
    ]);
    // An unfiltered table read whole is the job: no problem.
    assert.deepEqual(sqlitePlanProblems(await plan('SELECT count(*) FROM planners p JOIN workers w ON w.planner_id = p.planner_id'), { sql: 'SELECT count(*) FROM planners p JOIN workers w ON w.planner_id = p.planner_id', catalog }), []);
  });
});
