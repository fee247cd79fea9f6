/**
 * QueryLens's extensions to the Language Server Protocol, declared once and
 * imported by both the client and the server. Each message says which side
 * sends it.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { ResolvedConnection } from './connections';
import type { BenchmarkRun, IndexHealthReport, LatencyStats, MigrationActionResult, MigrationsReport, PoolReport, SettingsReport, TableHealthReport } from './dashboard';
import type { ExplainResult, IndexProof, ParamValue, QueryParam, SuggestedIndex } from './explain';
import type { Dialect, Position, Range } from './types';

/** Code action kind of "fix all QueryLens problems in this file" (editor.codeActionsOnSave). */
export const FIX_ALL_KIND = 'source.fixAll.querylens';

/** Client command a code action runs after its edit, to open the file a fix created. Argument: absolute path. */
export const OPEN_FILE_COMMAND = 'querylens.openFile';

export interface AnalyzeWorkspaceResult {
  /** Workspace folders analysed. */
  folders: number;
  /** SQL files analysed. */
  files: number;
  /** Findings in all files, by severity. */
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
}

/**
 * Sent by the client (command `querylens.analyzeWorkspace`): analyse every SQL
 * file of every folder, publish their diagnostics and return the counts.
 */
export namespace AnalyzeWorkspaceRequest {
  export const method = 'querylens/analyzeWorkspace';
  export const type = new RequestType0<AnalyzeWorkspaceResult, void>(method);
}

export type ServerState = 'indexing' | 'ready' | 'error';

export interface StatusParams {
  state: ServerState;
  /** SQL files known across all folders. */
  fileCount: number;
  /** What went wrong, when `state` is `error`. */
  error?: string;
}

/** Sent by the server whenever indexing starts or ends, or fails; drives the status bar. */
export namespace StatusNotification {
  export const method = 'querylens/status';
  export const type = new NotificationType<StatusParams>(method);
}

/**
 * Tests only, sent by the client: with QUERYLENS_TEST_HOLD_INDEXING=1 in its
 * environment the server holds each folder's background indexing until this
 * arrives, so a test can look at what is published meanwhile.
 */
export namespace ReleaseIndexingNotification {
  export const method = 'querylens/test/releaseIndexing';
  export const type = new NotificationType<void>(method);
  export const HOLD_ENV = 'QUERYLENS_TEST_HOLD_INDEXING';
  /** Tests only: the server waits this many milliseconds before the disk-state write that follows indexing (to show shutdown waits for it). */
  export const DISK_WRITE_DELAY_ENV = 'QUERYLENS_TEST_DISK_WRITE_DELAY_MS';
}

// ---------------------------------------------------------------------------------------------
// Connected databases (issue 4). The client resolves the connection (setting + SecretStorage
// password, confirmation on production connections) and sends it with each request; the server
// runs the work and never stores the password. Cancelling a request (its CancellationToken)
// cancels the statement on the database.
// ---------------------------------------------------------------------------------------------

/** Where a query is: the document and a position inside the query (a CodeLens's own position). */
export interface QueryLocation {
  uri: string;
  position: Position;
}

export interface QueryInfo {
  /** Stable key of the query (file + its SQL text), for remembering parameter values. */
  key: string;
  /** The SQL sent to the database (ORM queries rendered to SQL). */
  sql: string;
  dialect: Dialect;
  statementKind: string;
  /** Parameters to ask for, in order. Empty when the query has none. */
  params: QueryParam[];
  /** The query's range in the document. */
  range: Range;
}

/** Sent by the client: which query is at this place, and what parameters it takes. `null` if none. */
export namespace QueryAtRequest {
  export const method = 'querylens/queryAt';
  export const type = new RequestType<QueryLocation, QueryInfo | null, void>(method);
}

export interface ExplainParams extends QueryLocation {
  connection: ResolvedConnection;
  analyze: boolean;
  /** Values for the parameters, in order; `undefined` asks for a generic plan. */
  params?: ParamValue[];
  /** Statement timeout in ms (default DEFAULT_STATEMENT_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Sent by the client (CodeLens `Explain` / `Explain Analyze`): explain the query at the location. */
export namespace ExplainRequest {
  export const method = 'querylens/explain';
  export const type = new RequestType<ExplainParams, ExplainResult, void>(method);
}

export interface BenchmarkParams extends ExplainParams {
  /** Timed runs after the warm-up (default 50). */
  iterations?: number;
  warmup?: number;
}

/** The quick benchmark's answer: the statistics of a full run (LatencyStats), without its histogram and timeline. */
export interface BenchmarkSummary extends LatencyStats {
  connection: string;
  sql: string;
  iterations: number;
  /** Writes ran in rolled-back transactions. */
  rolledBack: boolean;
}

/** Sent by the client (CodeLens `Benchmark`): a quick benchmark of the query at the location. */
export namespace BenchmarkRequest {
  export const method = 'querylens/benchmark';
  export const type = new RequestType<BenchmarkParams, BenchmarkSummary, void>(method);
}

export interface ProveIndexParams extends QueryLocation {
  connection: ResolvedConnection;
  /** The index to prove; the one the finding at the location suggests when absent. */
  index?: SuggestedIndex;
  params?: ParamValue[];
  timeoutMs?: number;
}

/** Sent by the client (code action `Prove index on <connection>`): measure the index before/after. */
export namespace ProveIndexRequest {
  export const method = 'querylens/proveIndex';
  export const type = new RequestType<ProveIndexParams, IndexProof, void>(method);
}

export interface TestConnectionResult {
  ok: boolean;
  /** `PostgreSQL 15.19` when ok; the error message (naming the connection) when not. */
  message: string;
}

/** Sent by the client (command `QueryLens: Test Connection`). */
export namespace TestConnectionRequest {
  export const method = 'querylens/testConnection';
  export const type = new RequestType<{ connection: ResolvedConnection }, TestConnectionResult, void>(method);
}

/** Client commands the server's CodeLenses and code actions run. Arguments: [QueryLocation]. */
export const EXPLAIN_COMMAND = 'querylens.explain';
export const EXPLAIN_ANALYZE_COMMAND = 'querylens.explainAnalyze';
export const BENCHMARK_COMMAND = 'querylens.benchmark';
/** Arguments: [QueryLocation, SuggestedIndex]. */
export const PROVE_INDEX_COMMAND = 'querylens.proveIndex';

// ---------------------------------------------------------------------------------------------
// Review dashboard (issue 5). All sent by the client (dashboard webview and tree views, commands);
// `folderUri` picks the workspace folder (the first when absent). Failures answer with the
// DbError's message, naming the connection, as for Explain.
// ---------------------------------------------------------------------------------------------

export interface DashboardParams {
  connection: ResolvedConnection;
  folderUri?: string;
}

/** Every migration set of the folder with each migration's status on the connection. */
export namespace MigrationsRequest {
  export const method = 'querylens/migrations';
  export const type = new RequestType<DashboardParams, MigrationsReport, void>(method);
}

export interface MigrationActionParams extends DashboardParams {
  /** The set's folder (MigrationSetReport.dir). */
  dir: string;
  /** `apply`: every pending migration, in order; `revert`: the last applied one (with its down file). */
  action: 'apply' | 'revert';
}

/** Applies pending migrations or reverts the last one of a SQL-file tool, writing the tool's own tracking rows. */
export namespace MigrationActionRequest {
  export const method = 'querylens/migrationAction';
  export const type = new RequestType<MigrationActionParams, MigrationActionResult, void>(method);
}

/** Connections of the database (PostgreSQL) or the SQLite pragmas, and QueryLens's own pool. */
export namespace PoolRequest {
  export const method = 'querylens/pool';
  export const type = new RequestType<DashboardParams, PoolReport, void>(method);
}

/** Unused, duplicate and redundant indexes, unindexed foreign keys, seq-scan-heavy tables, cache hit ratio, slow statements. */
export namespace IndexHealthRequest {
  export const method = 'querylens/indexHealth';
  export const type = new RequestType<DashboardParams, IndexHealthReport, void>(method);
}

/** pg_settings against seed 004's rules for the server's RAM (the connection's `ram`, or /proc/meminfo when local) and the pools in the code; the hit ratios. */
export namespace SettingsRequest {
  export const method = 'querylens/settings';
  export const type = new RequestType<DashboardParams, SettingsReport, void>(method);
}

/** Table sizes, dead rows and vacuum, wraparound, sequences, NOT VALID constraints, bloat estimate, retention candidates, slow statements. */
export namespace TableHealthRequest {
  export const method = 'querylens/tableHealth';
  export const type = new RequestType<DashboardParams, TableHealthReport, void>(method);
}

export interface BenchmarkRunParams extends ExplainParams {
  iterations?: number;
  warmup?: number;
  concurrency?: number;
  /** A name for the run (default: the file and line). */
  name?: string;
}

/** A full benchmark of the query at the location, saved to `.querylens/benchmarks/<id>.json`. */
export namespace BenchmarkRunRequest {
  export const method = 'querylens/benchmarkRun';
  export const type = new RequestType<BenchmarkRunParams, BenchmarkRun, void>(method);
}

/** The saved runs of the folder, newest first. */
export namespace BenchmarkListRequest {
  export const method = 'querylens/benchmarks';
  export const type = new RequestType<{ folderUri?: string }, BenchmarkRun[], void>(method);
}

/** The review report (findings by rule, migrations, benchmark comparison, index health) as Markdown. */
export namespace ReportRequest {
  export const method = 'querylens/report';
  export const type = new RequestType<DashboardParams, { markdown: string }, void>(method);
}
