/**
 * QueryLens's extensions to the Language Server Protocol, declared once and
 * imported by both the client and the server. Each message says which side
 * sends it.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { ResolvedConnection } from './connections';
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

export interface BenchmarkSummary {
  connection: string;
  sql: string;
  iterations: number;
  errors: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  opsPerSec: number;
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
