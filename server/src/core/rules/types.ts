/**
 * The contract between the engine and the rules. A rule reads one analysed
 * file (its parsed statements) plus the workspace's schema catalog and reports
 * findings with spans; the engine turns spans into LSP ranges, applies the
 * configured severity and inline suppressions.
 */
import type { Dialect, PlannedMigration, RuleMeta } from '../../../../shared/types';
import type { Catalog, IndexInfo, MigrationSet } from '../catalog/types';
import type { ServerLimits } from '../config/types';
import type { HostExtraction, HostModel, HostQuery } from '../host/types';
import type { ParsedDocument, Span } from '../sql/model';

/** A fix as a rule builds it: offsets, not line/character. */
export type CoreChange =
  | { kind: 'edit'; file: string; edits: { span: Span; newText: string }[] }
  | { kind: 'create'; file: string; content: string };

export interface CoreFix {
  title: string;
  changes: CoreChange[];
  isPreferred?: boolean;
  /** File to open after the fix is applied. */
  open?: string;
  /** Set when the fix only creates a new migration: what it does, to chain several (see shared/types.ts). */
  migration?: PlannedMigration;
}

/** An index QueryLens wants to exist. */
export interface IndexSuggestion {
  table: string;
  columns: string[];
  /** `gin` with opclass `gin_trgm_ops` for trigram indexes; btree by default. */
  method?: string;
  opclass?: string;
  /** Storage parameters (`m`, `ef_construction` of an HNSW index). */
  options?: Record<string, string>;
  /** The name the index must get: the one a Prisma model gives it (prisma migrate dev compares names). */
  name?: string;
  /** The table as the schema spells it (`CscSession`), when not as `table` (the catalog key): what messages name. */
  spelled?: string;
  /**
   * The file the table is made in (its CREATE TABLE or model), set on findings: suggestions of files checked
   * against other catalogs are for one table when it is made in one file (`oneWarningPerIndex`).
   */
  madeAt?: string;
  /**
   * How many of the leading columns are equality columns, when two or more: those serve in any order
   * (`oneWarningPerIndex`: an index on (a, b) serves a query that wants (b, a) for `a = $1 AND b = $2`).
   */
  equalities?: number;
  /**
   * The first column is a key that leaves the rows of one parent (a foreign key, an id; not of few values):
   * another suggestion leading with it narrows this query as far (`oneWarningPerIndex`).
   */
  keyLead?: boolean;
}

/** What `FileContext.indexFixes` is asked: the index, and the statement the finding is about. */
export interface IndexFixRequest {
  suggestion: IndexSuggestion;
  near: Span;
}

export interface RuleReport {
  span: Span;
  message: string;
  /** Markdown for the hover. */
  explanation?: string;
  fixes?: CoreFix[];
  /**
   * The fixes that create an index (what `FileContext.indexFixes` returns), after
   * `fixes`. The engine builds them only when the finding's fixes are read (a code
   * action, the CLI's output): they point outside the statement (a new migration,
   * the table's CREATE TABLE), and a statement-scope rule's reports must not, for
   * the engine to reuse them while the user types.
   */
  indexFixes?: IndexFixRequest;
  /** The index the finding suggests, for tools that measure it on a database (issue 4's index proofs). */
  index?: IndexSuggestion;
  /**
   * The gain is plausible but not sure (the message says why): the finding is
   * reported at `info` when the rule is configured `warning` or `error`.
   */
  tentative?: boolean;
}

/** Where the analysed file sits among the workspace's migrations, if it is one. */
export interface MigrationPosition {
  set: MigrationSet;
  /** Index in `set.migrations`. */
  index: number;
  /** Apply order of this file across the workspace (same scale as `Origin.order`). */
  order: number;
  /** True for a down/revert file (not applied to the catalog). */
  isDown: boolean;
  /** Shipped (committed and unchanged, or applied; see migrations/history.ts): migration rules skip it, fixes never edit it. */
  shipped: boolean;
}

export interface FileContext {
  /** Absolute path. */
  file: string;
  text: string;
  dialect: Dialect;
  document: ParsedDocument;
  catalog: Catalog;
  migration?: MigrationPosition;
  migrations: MigrationSet[];
  /**
   * For Python/Rust files: what the extractor found. `document` then holds one
   * statement per extracted query (raw SQL mapped into the file, ORM chains as
   * models) with `hostQuery` pointing back here.
   */
  host?: HostExtraction;
  /** A schema file of an ORM (schema.prisma): the models it declares, as host code's `host.models`. */
  models?: HostModel[];
  /** The PostgreSQL server the code's pools share, as configured (`.querylens.json` "server"). */
  server?: ServerLimits;
  report(report: RuleReport): void;
  /**
   * The fixes that create `suggestion`: a new migration in the project's own
   * layout (opened after applying), or, without migrations, the CREATE INDEX
   * statement placed after the table's CREATE TABLE (or above `near`).
   * Built now: a report asks for them with `RuleReport.indexFixes` instead, so
   * that they are built only when read.
   */
  indexFixes(suggestion: IndexSuggestion, near: Span): CoreFix[];
  /** A new migration dropping the index (DROP INDEX CONCURRENTLY on PostgreSQL), in the set that owns its table. */
  dropIndexFixes(index: IndexInfo): CoreFix[];
}

export interface Rule {
  meta: RuleMeta;
  /**
   * `statement`: every report is about one statement and depends only on that
   * statement, the catalog tables it looks up, the migration sets and the file's
   * place among them, so the engine may run the rule one statement at a time and
   * reuse the reports of statements whose text did not change. `file`: the rule
   * reads the whole document or walks the whole catalog.
   */
  scope: 'statement' | 'file';
  check(ctx: FileContext): void;
  /**
   * A file-scope rule over host code whose `check` is `query(ctx, i)` for each of the
   * extraction's queries in order, then `rest(ctx)`: the language server keeps a query's
   * findings while its key (host/walk-cache.ts `hostQueryKey`), its function's place and the
   * catalog tables the rule looked up stay the same, when `query` answered that its reports
   * read nothing of the file beyond the query's function (and point nowhere outside it).
   */
  perHostQuery?: {
    /** Whether the rule may report the query at all: a cheap test, before any other work. */
    concerns(query: HostQuery): boolean;
    query(ctx: FileContext, index: number): boolean;
    rest(ctx: FileContext): void;
  };
}
