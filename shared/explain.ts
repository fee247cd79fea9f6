/**
 * What an EXPLAIN run returns (issue 4): the plan as the database gave it,
 * QueryLens's summary and the problems found in it. Plain data: it travels
 * over LSP into the plan webview and into `querylens explain --format json`.
 */
import type { DriverKind } from './connections';

/** A value for one query parameter (`$1`, `?`, `:name`), as typed by the user; `null` is SQL NULL. */
export type ParamValue = string | number | boolean | null;

/** One parameter of a query, as QueryLens can tell from the query and the schema. */
export interface QueryParam {
  /** `$1`, `?1`, `:name` ... as written. */
  name: string;
  /** Column type it is compared with, when known (`integer`, `text`). */
  type?: string;
  /** `workers.planner_id`, when known. */
  column?: string;
}

export type PlanProblemKind =
  /** A sequential scan whose filter discards most rows of a large table. */
  | 'seq-scan-filter'
  /** Estimated rows off by 10x or more from the actual rows. */
  | 'row-misestimate'
  /** Sort or hash spilling to disk. */
  | 'disk-spill'
  /** Nested loop with many iterations of its inner side. */
  | 'nested-loop'
  /** SQLite: `SCAN table` (full table scan) on a filtered query. */
  | 'full-scan'
  /** SQLite: `USE TEMP B-TREE FOR ORDER BY/GROUP BY/DISTINCT`. */
  | 'temp-btree';

export interface SuggestedIndex {
  table: string;
  columns: string[];
  /** The statement that creates it. */
  ddl: string;
}

export interface PlanProblem {
  kind: PlanProblemKind;
  severity: 'critical' | 'warning' | 'info';
  /** What is wrong, in one sentence, with the numbers (`Seq Scan on workers reads 10,000 rows to return 12`). */
  message: string;
  /** How to fix it (`CREATE INDEX ... ON workers (planner_id, task_status)`, `ANALYZE workers`, `SET work_mem = '64MB'`). */
  fix: string;
  /** The plan node it is about: its path of child indexes from the root (`[0, 1]`). */
  nodePath: number[];
  /** For a scan that an index would serve. */
  index?: SuggestedIndex;
  /** Time this node took itself (ms, EXPLAIN ANALYZE only): problems are ordered by it. */
  selfMs?: number;
}

export interface BufferCounts {
  sharedHit: number;
  sharedRead: number;
  sharedDirtied: number;
  sharedWritten: number;
  tempRead: number;
  tempWritten: number;
}

export interface PlanSummary {
  /** Total execution time reported by the database (EXPLAIN ANALYZE), ms. */
  executionMs?: number;
  planningMs?: number;
  /** Total cost of the root node (PostgreSQL). */
  totalCost?: number;
  /** Rows the root returns: actual with ANALYZE, else estimated. */
  rows?: number;
  /** Buffers of the whole plan (PostgreSQL, with BUFFERS). */
  buffers?: BufferCounts;
  /** Top node, e.g. `Seq Scan on workers`, `Index Scan using workers_planner_status on workers`. */
  topNode: string;
  /** Every scan in the plan, e.g. `Seq Scan on workers` (for before/after comparisons). */
  scans: string[];
}

/** SQLite's `EXPLAIN QUERY PLAN`, as a tree. */
export interface SqlitePlanNode {
  id: number;
  parent: number;
  detail: string;
  /** `scan` (full table scan), `search` (index lookup), `temp` (temp b-tree), `other`. */
  kind: 'scan' | 'search' | 'temp' | 'other';
  /** Index used by a search, and whether it is covering. */
  index?: string;
  covering?: boolean;
  children: SqlitePlanNode[];
}

export interface ExplainResult {
  connection: string;
  driver: DriverKind;
  dialect: 'postgres' | 'sqlite';
  /** The SQL that was explained (ORM queries rendered to SQL). */
  sql: string;
  params: ParamValue[];
  analyzed: boolean;
  /** Planned without parameter values (a prepared statement forced to its generic plan). */
  genericPlan: boolean;
  /** The statement ran inside a transaction that was rolled back (every ANALYZE of a write; every run on PostgreSQL). */
  rolledBack: boolean;
  /** PostgreSQL: the `FORMAT JSON` plan, exactly as the database returned it (what PEV2 reads). */
  pgPlan?: unknown;
  /** SQLite: the EXPLAIN QUERY PLAN tree. */
  sqlitePlan?: SqlitePlanNode[];
  summary: PlanSummary;
  /** Most costly first. */
  problems: PlanProblem[];
  /** Wall time of the whole run inside QueryLens (connect excluded), ms. */
  wallMs: number;
  /** Server version, e.g. `PostgreSQL 15.19`, `SQLite 3.45.1`, `PGlite (PostgreSQL 17.4)`. */
  serverVersion: string;
}

/** One side of an index proof. */
export interface ProofSide {
  summary: PlanSummary;
  /** ms, EXPLAIN ANALYZE execution time (absent with HypoPG, which can only EXPLAIN). */
  executionMs?: number;
  totalCost?: number;
}

export interface IndexProof {
  connection: string;
  sql: string;
  index: SuggestedIndex;
  /** `transaction`: real CREATE INDEX inside a rolled-back transaction; `hypopg`: a hypothetical index, plain EXPLAIN. */
  method: 'transaction' | 'hypopg';
  before: ProofSide;
  after: ProofSide;
  /** `Seq Scan on workers → Index Scan using ... on workers`. */
  planChange: string;
  /** Whether the planner used the new index. */
  indexUsed: boolean;
  /** Used, and it paid: less time with ANALYZE (the median of a few runs per side), else less cost. */
  proven?: boolean;
  /** One line for a hover: `proven on embedded: 41 ms → 0.2 ms (Seq Scan on workers → Index Scan ...)`. */
  headline: string;
}
