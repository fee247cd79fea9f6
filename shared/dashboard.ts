/**
 * The review dashboard's data (issue 5): migrations, pool, benchmarks and
 * index health, as plain JSON. The server computes them (from the workspace
 * and the active connection), the dashboard webview and tree views render
 * them, and the CLI prints them (`querylens migrations | pool | bench |
 * report`, text or JSON). Declared once; the producers may add fields.
 */
import type { DriverKind } from './connections';

// ---------------------------------------------------------------------------------------------
// Migrations
// ---------------------------------------------------------------------------------------------

export type MigrationToolName = 'alembic' | 'sqlx' | 'prisma' | 'knex' | 'kysely' | 'typeorm' | 'flyway' | 'golang-migrate' | 'plain' | 'drizzle';

/** The words users of these tools know. `failed` covers sqlx `success = false`, Flyway failures, golang-migrate `dirty`. */
export type MigrationStatus = 'applied' | 'pending' | 'modified' | 'missing' | 'failed';

export interface MigrationFinding {
  ruleId: string;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  /** 0-based line in the migration file. */
  line: number;
}

export interface MigrationRow {
  /** The tool's own version / name (`20240105090000`, `V3`, `000002`, Alembic's revision id, Prisma's folder name). */
  version: string;
  description: string;
  /** Absolute path of the file (the up file); absent for `missing`. */
  file?: string;
  /** Down / undo file, when the tool has one. */
  downFile?: string;
  status: MigrationStatus;
  /** ISO time it was applied, from the tracking table. */
  appliedAt?: string;
  /** How long it ran (ms), when the tool records it. */
  executionMs?: number;
  /** Checksums as the tool computes them (hex for sqlx/Prisma, signed 32-bit decimal for Flyway). */
  checksum?: { file?: string; recorded?: string };
  /** QueryLens findings in the file (e.g. a non-concurrent CREATE INDEX). */
  findings: MigrationFinding[];
}

export interface AlembicRevision {
  revision: string;
  downRevisions: string[];
  description: string;
  file: string;
  /** A head of the graph (no revision builds on it). */
  head: boolean;
  /** Recorded in `alembic_version` (a current head of the database). */
  current: boolean;
}

export interface MigrationSetReport {
  tool: MigrationToolName;
  /** Absolute path of the migrations folder. */
  dir: string;
  /** The tracking table the status is read from (`_sqlx_migrations`, `flyway_schema_history` ...). */
  trackingTable: string;
  /** False when the table does not exist yet (nothing applied: every migration pending). */
  trackingTableFound: boolean;
  rows: MigrationRow[];
  /** Alembic: the revision graph. */
  revisions?: AlembicRevision[];
  /** SQL-file tools: QueryLens can apply the pending ones and revert the last one itself. */
  canApply: boolean;
  /** ORM tools: the command that applies them (`alembic upgrade head`, `npx prisma migrate deploy`). */
  command?: string;
  /** The tracking table could not be read (an unknown layout, no permission): why. `rows` is then empty. */
  error?: string;
}

export interface MigrationsReport {
  connection: string;
  sets: MigrationSetReport[];
  /** ISO time the report was read. */
  at: string;
}

export interface MigrationActionResult {
  action: 'apply' | 'revert';
  /** Versions applied or reverted, in order. */
  versions: string[];
  /** What the tool's tracking table now holds for them. */
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Pool and connections
// ---------------------------------------------------------------------------------------------

export type Level = 'ok' | 'warn' | 'critical';

export interface SessionInfo {
  pid: number;
  application: string;
  client?: string;
  state: string;
  /** ms since the current query started. */
  durationMs: number;
  waitEvent?: string;
  query: string;
}

export interface BlockedSession extends SessionInfo {
  /** pids holding the locks it waits for (pg_blocking_pids). */
  blockedBy: number[];
  /** The lock it waits for, from pg_locks (`ShareLock on transactionid`, `AccessExclusiveLock on relation app.orders`). */
  lock?: string;
}

export interface PostgresPoolReport {
  maxConnections: number;
  total: number;
  /** `active`, `idle`, `idle in transaction`, `waiting` (active and waiting on a lock) ... */
  byState: Record<string, number>;
  byApplication: { application: string; client?: string; count: number }[];
  /** total / max_connections, 0..1. */
  utilisation: number;
  /** Seed thresholds: warn at 70 %, critical at 90 %. */
  level: Level;
  longRunning: SessionInfo[];
  blocked: BlockedSession[];
  /** Sessions holding a lock that some session of `blocked` waits for. */
  blocking?: SessionInfo[];
  /** `longRunning` lists the non-idle sessions whose query started at least this long ago (ms). */
  longRunningThresholdMs?: number;
}

export interface SqlitePragma {
  name: string;
  value: string;
  recommended: string;
  ok: boolean;
  /** The statement that applies the recommendation. */
  fix?: string;
  why: string;
  /**
   * `file`: stored in the database file (journal_mode = WAL), fixed once.
   * `connection`: a setting of each connection; `value` is what a new
   * connection gets, so the application must run `fix` on every connection it opens.
   */
  scope?: 'file' | 'connection';
}

/** A pool the workspace's code configures (SQLAlchemy engine, sqlx builder), as the Pool tab lists it. */
export interface ConfiguredPool {
  /** Relative to the workspace folder, `/`-separated; `line` is 1-based. */
  file: string;
  line: number;
  /** `sqlalchemy`, `sqlx`. */
  library: string;
  /** The constructor as written: `create_engine`, `PgPoolOptions::new`. */
  name: string;
  /** `postgres`, `sqlite`, `mysql` when the URL or the type says. */
  dialect?: string;
  /** Connections kept (SQLAlchemy pool_size, sqlx max_connections); the library's default when `defaults` names it; absent when a variable sets it. */
  size?: number;
  /** SQLAlchemy max_overflow, on top of `size`. */
  overflow?: number;
  /** sqlx min_connections. */
  min?: number;
  /** Which of size / overflow / min are the library's defaults (not written in the code). */
  defaults: ('size' | 'overflow' | 'min')[];
  /** The other settings as written, by name (`acquireTimeout`: `Duration::from_secs(30)`, `prePing`: `True`). */
  settings: Record<string, string>;
}

export interface PoolReport {
  connection: string;
  driver: DriverKind;
  at: string;
  postgres?: PostgresPoolReport;
  sqlite?: { pragmas: SqlitePragma[] };
  /** The pools the workspace's code configures, for comparison with the live numbers. */
  configured?: ConfiguredPool[];
  /** QueryLens's own pool (node-postgres Pool). */
  ourPool?: { totalCount: number; idleCount: number; waitingCount: number };
}

// ---------------------------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------------------------

export interface LatencyStats {
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  opsPerSec: number;
  errors: number;
}

export interface BenchmarkTarget {
  /** e.g. `p95Ms` */
  metric: keyof LatencyStats;
  /** The run passes when metric <= max (or >= min for opsPerSec). */
  max?: number;
  min?: number;
  pass: boolean;
}

export interface BenchmarkRun {
  /** File name stem in `.querylens/benchmarks/` (`2026-11-30T17-42-00Z_task_manager_5`). */
  id: string;
  name: string;
  createdAt: string;
  connection: string;
  sql: string;
  /** Where the query is (relative to the workspace root) and its 1-based line. */
  source?: { file: string; line: number };
  params: (string | number | boolean | null)[];
  iterations: number;
  warmup: number;
  concurrency: number;
  /** Writes ran in rolled-back transactions. */
  rolledBack: boolean;
  stats: LatencyStats;
  /** Latency histogram: `bucketsMs[i]` is the upper bound of `counts[i]`. */
  histogram: { bucketsMs: number[]; counts: number[] };
  /** Latency over time, sampled to at most a few hundred points: [ms since start, latency ms]. */
  timeline: [number, number][];
  /** The engine's own overhead per iteration against a plain driver loop, percent (when measured). */
  overheadPct?: number;
  targets: BenchmarkTarget[];
  /** `git rev-parse --short HEAD` and branch when the workspace is a git repository. */
  git?: { commit: string; branch?: string };
  /** Wall time of the timed iterations (warm-up excluded), ms. */
  wallMs?: number;
  /** The first error's message, when iterations failed. */
  firstError?: string;
  /** What the engine changed or wants known (concurrency clamped to the driver's sessions, ...). */
  notes?: string[];
}

export interface BenchmarkComparison {
  base: string;
  head: string;
  /** head / base for each latency statistic and ops/s (1 when both are 0; Infinity, i.e. JSON null, when only base is 0). */
  ratios: Record<keyof LatencyStats, number>;
  /** head - base for each statistic (the errors' change is read here). */
  deltas: Record<keyof LatencyStats, number>;
}

// ---------------------------------------------------------------------------------------------
// Index health (PostgreSQL)
// ---------------------------------------------------------------------------------------------

export interface HealthItem {
  /** `unused-index`, `duplicate-index`, `redundant-index`, `invalid-index`, `unindexed-foreign-key`, `seq-scan-table`, `low-cache-hit`, `slow-statement` */
  kind: string;
  level: Level;
  table?: string;
  index?: string;
  message: string;
  /** The SQL that fixes it (DROP INDEX CONCURRENTLY ..., CREATE INDEX CONCURRENTLY ...). */
  fix?: string;
  /** Size of the index or table, bytes. */
  bytes?: number;
  /** Where QueryLens found this table / query in the workspace: absolute file path and 0-based line. */
  code?: { file: string; line: number }[];
}

export interface IndexHealthReport {
  connection: string;
  at: string;
  items: HealthItem[];
  /** Heap blocks hit in cache / read, 0..1 (target 0.99). */
  cacheHitRatio?: number;
  /** pg_stat_statements: installed and readable (and the rule that picked the slow ones), or why not. */
  statements: { available: true; rule?: string } | { available: false; reason: string };
  /** The schemas looked at (`current_schemas(false)` of the connection). */
  schemas?: string[];
}

// ---------------------------------------------------------------------------------------------
// Server settings (PostgreSQL): pg_settings against the seed's rules for the server's RAM
// ---------------------------------------------------------------------------------------------

export interface SettingRow {
  /** `shared_buffers`. */
  name: string;
  /** As SHOW prints it (`128MB`, `100`); `current_setting(name)`. */
  current: string;
  /** The advised value (`4GB`, `>= 110`), or why there is none (`RAM unknown: pass --ram`). */
  advised: string;
  /** `ok`: the current value is the advised one (within 10 %); `warn`: change it; `unknown`: nothing to compare with. */
  status: 'ok' | 'warn' | 'unknown';
  /** Why, with the seed's reference. */
  why: string;
  /** `ALTER SYSTEM SET shared_buffers = '4GB';`: shown, never run by QueryLens. */
  alterSystem?: string;
  /** pg_settings.context: `postmaster` needs a restart, `sighup`/`user` a reload (`SELECT pg_reload_conf();`). */
  applies?: 'restart' | 'reload';
}

export interface HitRatio {
  /** 0..1, absent before anything was read. */
  ratio?: number;
  target: number;
  level?: Level;
}

export interface SettingsReport {
  connection: string;
  at: string;
  /** The RAM the advice is for, bytes, and where it was learnt; absent when unknown. */
  ram?: { bytes: number; source: string };
  rows: SettingRow[];
  /** Index blocks found in shared buffers (pg_statio_user_indexes), seed 004 target 95 %. */
  indexHit: HitRatio;
  /** All blocks of the database found in shared buffers (pg_stat_database), seed 004 target 99 %. */
  bufferHit: HitRatio;
}

// ---------------------------------------------------------------------------------------------
// Table health (PostgreSQL)
// ---------------------------------------------------------------------------------------------

export interface TableStats {
  schema: string;
  table: string;
  /** Heap (with TOAST) and all its indexes, bytes. */
  tableBytes: number;
  indexBytes: number;
  liveRows: number;
  deadRows: number;
  /** ISO times, absent when never. */
  lastVacuum?: string;
  lastAutovacuum?: string;
  lastAnalyze?: string;
  lastAutoanalyze?: string;
  /** age(relfrozenxid): transactions since its rows were last frozen. */
  xidAge: number;
  /** Estimated bytes of the heap that hold no live row (from pg_class and pg_stats; an estimate, not pgstattuple). */
  bloatBytes?: number;
  /** autovacuum_enabled = false in its storage parameters. */
  autovacuumOff?: boolean;
}

export interface TableHealthReport {
  connection: string;
  at: string;
  schemas?: string[];
  /** age(datfrozenxid) of the database and the limit (2^31 - 1). */
  databaseXidAge: number;
  tables: TableStats[];
  /** Findings: dead-tuples, xid-wraparound, sequence-overflow, not-valid-constraint, bloat, retention-candidate, slow-statement. */
  items: HealthItem[];
  /** The thresholds used (bytes, ms), as set. */
  thresholds: { retentionBytes: number; slowMs: number };
  /** pg_stat_statements for the slow statements, or why not. */
  statements: IndexHealthReport['statements'];
}
