/** Dashboard reports as the server sends them, for the client's dashboard tests. */
import type { BenchmarkRun, IndexHealthReport, SettingsReport, TableHealthReport, MigrationsReport, PoolReport } from '../../../shared/dashboard';

export const XSS_TABLE = '<img src=x onerror=alert(1)>';
export const XSS_QUERY = 'SELECT 1 /* </script><script>alert(1)</script> */';

export function migrationsReport(): MigrationsReport {
  return {
    connection: 'local',
    at: '2026-11-30T17:00:00.000Z',
    sets: [
      {
        tool: 'sqlx',
        dir: '/w/migrations',
        trackingTable: '_sqlx_migrations',
        trackingTableFound: true,
        canApply: true,
        rows: [
          { version: '20240101000000', description: 'create workers', file: '/w/migrations/20240101000000_create_workers.up.sql', downFile: '/w/migrations/20240101000000_create_workers.down.sql', status: 'applied', appliedAt: '2026-11-29T10:00:00.000Z', executionMs: 12.5, findings: [] },
          {
            version: '20240102000000', description: 'index workers', file: '/w/migrations/20240102000000_index_workers.up.sql', downFile: '/w/migrations/20240102000000_index_workers.down.sql', status: 'modified', appliedAt: '2026-11-29T10:00:01.000Z', executionMs: 3,
            checksum: { file: 'aa11', recorded: 'bb22' },
            findings: [{ ruleId: 'non-concurrent-index', severity: 'warning', message: 'CREATE INDEX without CONCURRENTLY locks workers', line: 2 }],
          },
          { version: '20240103000000', description: XSS_TABLE, file: '/w/migrations/20240103000000_x.up.sql', status: 'pending', findings: [] },
          { version: '20231231000000', description: 'gone', status: 'missing', appliedAt: '2026-11-28T10:00:00.000Z', findings: [] },
        ],
      },
      {
        tool: 'alembic',
        dir: '/w/alembic/versions',
        trackingTable: 'alembic_version',
        trackingTableFound: true,
        canApply: false,
        command: 'alembic upgrade head',
        rows: [
          { version: 'a1', description: 'base', file: '/w/alembic/versions/a1.py', status: 'applied', findings: [] },
          { version: 'b2', description: 'left', file: '/w/alembic/versions/b2.py', status: 'applied', findings: [] },
          { version: 'c3', description: 'right', file: '/w/alembic/versions/c3.py', status: 'pending', findings: [] },
          { version: 'd4', description: 'merge', file: '/w/alembic/versions/d4.py', status: 'pending', findings: [] },
        ],
        revisions: [
          { revision: 'a1', downRevisions: [], description: 'base', file: '/w/alembic/versions/a1.py', head: false, current: false },
          { revision: 'b2', downRevisions: ['a1'], description: 'left', file: '/w/alembic/versions/b2.py', head: false, current: true },
          { revision: 'c3', downRevisions: ['a1'], description: 'right', file: '/w/alembic/versions/c3.py', head: false, current: false },
          { revision: 'd4', downRevisions: ['b2', 'c3'], description: 'merge', file: '/w/alembic/versions/d4.py', head: true, current: false },
        ],
      },
    ],
  };
}

export function poolReport(overrides: Partial<PoolReport['postgres'] & object> = {}, at = '2026-11-30T17:00:00.000Z'): PoolReport {
  return {
    connection: 'local',
    driver: 'postgres',
    at,
    postgres: {
      maxConnections: 100,
      total: 75,
      byState: { idle: 60, active: 10, 'idle in transaction': 4, waiting: 1 },
      byApplication: [{ application: 'querylens', client: '127.0.0.1', count: 3 }, { application: XSS_TABLE, count: 72 }],
      utilisation: 0.75,
      level: 'warn',
      longRunning: [{ pid: 4242, application: 'psql', state: 'active', durationMs: 65_000, waitEvent: 'PgSleep', query: XSS_QUERY }],
      blocked: [{ pid: 4343, application: 'worker', state: 'active', durationMs: 5_000, waitEvent: 'transactionid', query: 'UPDATE workers SET task_status = $1', blockedBy: [4242] }],
      ...overrides,
    },
    ourPool: { totalCount: 3, idleCount: 2, waitingCount: 0 },
  };
}

export function sqlitePoolReport(): PoolReport {
  return {
    connection: 'file',
    driver: 'sqlite',
    at: '2026-11-30T17:00:00.000Z',
    sqlite: {
      pragmas: [
        { name: 'journal_mode', value: 'delete', recommended: 'wal', ok: false, fix: 'PRAGMA journal_mode = WAL;', why: 'Readers do not block the writer' },
        { name: 'busy_timeout', value: '5000', recommended: '5000', ok: true, why: 'Waits for a lock instead of failing' },
      ],
    },
  };
}

export function benchmarkRun(id: string, p95Ms: number, overrides: Partial<BenchmarkRun> = {}): BenchmarkRun {
  return {
    id,
    name: `run ${id}`,
    createdAt: '2026-11-30T17:42:00.000Z',
    connection: 'local',
    sql: XSS_QUERY,
    source: { file: 'queries/task_manager.sql', line: 5 },
    params: [7, 'pending'],
    iterations: 200,
    warmup: 20,
    concurrency: 4,
    rolledBack: false,
    stats: { minMs: 1, meanMs: p95Ms / 2, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms * 1.5, maxMs: p95Ms * 2, opsPerSec: 1000 / p95Ms, errors: 0 },
    histogram: { bucketsMs: [1, 2, 5, 10], counts: [10, 100, 80, 10] },
    timeline: [[0, 2], [500, 3], [1000, 2.5]],
    targets: [{ metric: 'p95Ms', max: 50, pass: p95Ms <= 50 }],
    git: { commit: 'abc1234', branch: 'main' },
    ...overrides,
  };
}

export function healthReport(): IndexHealthReport {
  return {
    connection: 'local',
    at: '2026-11-30T17:00:00.000Z',
    cacheHitRatio: 0.97,
    statements: { available: false, reason: 'pg_stat_statements is not in shared_preload_libraries' },
    items: [
      { kind: 'unindexed-foreign-key', level: 'warn', table: 'tasks', message: 'tasks.worker_id references workers without an index', fix: 'CREATE INDEX CONCURRENTLY ON tasks (worker_id);', code: [{ file: '/w/queries/tasks.sql', line: 3 }] },
      { kind: 'unused-index', level: 'ok', table: XSS_TABLE, index: 'idx_unused', bytes: 16384, message: 'never scanned', fix: 'DROP INDEX CONCURRENTLY idx_unused;' },
      { kind: 'unused-index', level: 'critical', table: 'workers', index: 'idx_big', bytes: 5 * 1024 * 1024, message: 'never scanned, 5 MB', fix: 'DROP INDEX CONCURRENTLY idx_big;' },
    ],
  };
}

export function settingsReport(): SettingsReport {
  return {
    connection: 'local',
    at: '2026-11-30T17:00:00.000Z',
    ram: { bytes: 16 * 1024 ** 3, source: '--ram' },
    rows: [
      { name: 'shared_buffers', current: '128MB', advised: '4GB', status: 'warn', why: '25 % of RAM: seed 004.', alterSystem: "ALTER SYSTEM SET shared_buffers = '4GB';", applies: 'restart' },
      { name: 'work_mem', current: '128MB', advised: '128MB', status: 'ok', why: 'RAM / 128: seed 004.', applies: 'reload' },
      { name: 'huge_pages', current: XSS_TABLE, advised: 'try', status: 'warn', why: 'seed 004.', alterSystem: "ALTER SYSTEM SET huge_pages = 'try';", applies: 'restart' },
      { name: 'max_connections', current: '100', advised: 'no sized PostgreSQL pool in the code', status: 'unknown', why: 'seed 004: 200.' },
    ],
    indexHit: { ratio: 0.9, target: 0.95, level: 'critical' },
    bufferHit: { ratio: 0.995, target: 0.99, level: 'ok' },
  };
}

export function tableHealthReport(grownBy = 0): TableHealthReport {
  return {
    connection: 'local',
    at: '2026-11-30T17:00:00.000Z',
    schemas: ['public'],
    databaseXidAge: 1234,
    tables: [
      { schema: 'public', table: 'events', tableBytes: 1024 * 1024 + grownBy, indexBytes: 16384, liveRows: 1000, deadRows: 9000, lastAutovacuum: '2026-11-30T16:00:00.000Z', xidAge: 900, bloatBytes: 900 * 1024, autovacuumOff: true },
      { schema: 'app', table: XSS_TABLE, tableBytes: 8192, indexBytes: 0, liveRows: 0, deadRows: 0, xidAge: 10 },
    ],
    items: [
      { kind: 'retention-candidate', level: 'warn', table: 'events', bytes: 1024 * 1024, message: 'rows only accumulate', fix: "DELETE FROM public.events WHERE created_at < now() - interval '30 days';", code: [{ file: '/w/app/events.py', line: 11 }] },
      { kind: 'sequence-overflow', level: 'critical', table: XSS_TABLE, message: 'used 96.0 %', fix: 'ALTER SEQUENCE s AS bigint;' },
    ],
    thresholds: { retentionBytes: 100 * 1024 * 1024, slowMs: 50 },
    statements: { available: true },
  };
}
