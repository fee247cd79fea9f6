/** Plans and proofs as the server sends them, for the client's plan-view tests. */
import type { ExplainResult, IndexProof } from '../../../shared/explain';

export const XSS = '<img src=x onerror=alert(1)>';

export function pgExplain(overrides: Partial<ExplainResult> = {}): ExplainResult {
  return {
    connection: 'embedded',
    driver: 'embedded',
    dialect: 'postgres',
    sql: "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending'",
    params: [42],
    analyzed: true,
    genericPlan: false,
    rolledBack: true,
    pgPlan: [{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'workers' }, 'Execution Time': 41.2 }],
    summary: {
      executionMs: 41.2,
      planningMs: 0.31,
      totalCost: 180.5,
      rows: 12,
      buffers: { sharedHit: 120, sharedRead: 5, sharedDirtied: 0, sharedWritten: 0, tempRead: 0, tempWritten: 0 },
      topNode: 'Seq Scan on workers',
      scans: ['Seq Scan on workers'],
    },
    problems: [
      {
        kind: 'seq-scan-filter',
        severity: 'critical',
        message: 'Seq Scan on workers reads 10,000 rows to return 12',
        fix: 'CREATE INDEX ON workers (planner_id, task_status);',
        nodePath: [],
        index: { table: 'workers', columns: ['planner_id', 'task_status'], ddl: 'CREATE INDEX ON workers (planner_id, task_status);' },
        selfMs: 40.9,
      },
      { kind: 'row-misestimate', severity: 'info', message: 'Estimated 1 row, got 12', fix: 'ANALYZE workers;', nodePath: [] },
    ],
    wallMs: 44.8,
    serverVersion: 'PGlite (PostgreSQL 17.4)',
    ...overrides,
  };
}

export function sqliteExplain(): ExplainResult {
  return {
    ...pgExplain({ dialect: 'sqlite', driver: 'sqlite', connection: 'dev file', analyzed: false, rolledBack: false, serverVersion: 'SQLite 3.45.1' }),
    pgPlan: undefined,
    sqlitePlan: [
      { id: 2, parent: 0, detail: 'SCAN workers', kind: 'scan', children: [] },
      {
        id: 3,
        parent: 0,
        detail: 'SEARCH planners USING INDEX planners_pk (id=?)',
        kind: 'search',
        index: 'planners_pk',
        covering: false,
        children: [{ id: 4, parent: 3, detail: 'USE TEMP B-TREE FOR ORDER BY', kind: 'temp', children: [] }],
      },
    ],
    summary: { topNode: 'SCAN workers', scans: ['SCAN workers'] },
    problems: [{ kind: 'full-scan', severity: 'warning', message: 'SCAN workers reads the whole table', fix: 'CREATE INDEX ...', nodePath: [0] }],
  };
}

export function proof(overrides: Partial<IndexProof> = {}): IndexProof {
  return {
    connection: 'embedded',
    sql: pgExplain().sql,
    index: { table: 'workers', columns: ['planner_id', 'task_status'], ddl: 'CREATE INDEX ON workers (planner_id, task_status);' },
    method: 'transaction',
    before: { summary: { topNode: 'Seq Scan on workers', scans: ['Seq Scan on workers'], rows: 12, totalCost: 180.5 }, executionMs: 41, totalCost: 180.5 },
    after: {
      summary: { topNode: 'Index Scan using workers_planner_id_task_status_idx on workers', scans: ['Index Scan using workers_planner_id_task_status_idx on workers'], rows: 12 },
      executionMs: 0.2,
      totalCost: 8.3,
    },
    planChange: 'Seq Scan on workers → Index Scan using workers_planner_id_task_status_idx on workers',
    indexUsed: true,
    headline: 'proven on embedded: 41 ms → 0.2 ms (Seq Scan on workers → Index Scan using workers_planner_id_task_status_idx on workers)',
    ...overrides,
  };
}
