/**
 * What a host language's ORMs and drivers know, for the rules: how its code
 * awaits, which calls hand every row over, and the fixes and advice written in
 * that language. Rules read the extraction in neutral terms (loops, terminals,
 * writes) and ask the adapter of the extraction's language
 * (`adapterOf(host.language)`, host/languages.ts) for what is written in it.
 *
 * Only `awaitSyntax`, the advice texts and `streamsRows` are required: a new
 * language can start without fixes (each optional builder missing means the
 * finding comes without that fix).
 */
import type { Dialect, IndexDefinition } from '../../../../shared/types';
import type { Predicate, Span } from '../sql/model';
import type { CoreFix, FileContext, IndexSuggestion } from '../rules/types';
import type { HostQuery, LoopContext, Terminal } from './types';

/** An edit of the host file a fix adds beside its main one (an import). */
export interface ExtraEdit {
  span: Span;
  newText: string;
}

/** n-plus-one: where the batched query goes (above the loop) and the names it uses. */
export interface BatchSite {
  /** The keys' variable (`agent_ids`). */
  keys: string;
  /** The rows' variable (`all_messages`). */
  rows: string;
}

/** A statement a fix inserts, with the import it needs. */
export interface BuiltStatement {
  statement: string;
  importEdit?: ExtraEdit;
}

/** The loop of a per-row query, as the batching fix needs it. */
export interface BatchLoop {
  /** The iterated variable, without `&`/`&mut` (`agents`). */
  iterable: string;
  /** The loop's bound names. */
  targets: string[];
  /** The key expression the query binds (`agent.id`). */
  keyExpression: string;
  /** What the query whose rows the loop walks does with its result. */
  rowsTerminal: Terminal;
}

export interface HostAdapter {
  /** `await call` (Python, TypeScript) or `call.await` (Rust). */
  awaitSyntax: 'prefix' | 'postfix';
  /** Terminals besides the multi-row ones that hand every selected row to the code (SQLAlchemy's `execute`: a Result). */
  allRowsTerminals?: readonly Terminal[];

  // n-plus-one
  /** The batched lookup named in the message, in the language's SQL binding style (`col = ANY(:keys)`), for PostgreSQL. */
  batchedSqlPredicate(column: string): string;
  /**
   * The batched ORM lookup named in the message (`Worker.planner_id.in_(keys)`), for `query`
   * whose key condition names `field` as written (undefined: the generic `WHERE col IN (...)`).
   */
  batchedOrmPredicate?(entity: string, column: string, query?: HostQuery, field?: string): string | undefined;
  /** The lines above the loop that collect the keys; undefined when the rows cannot be walked twice. */
  collectKeys?(loop: BatchLoop, keys: string): string[] | undefined;
  /** One query over the collected keys, rewritten from a raw SQL query. */
  batchSqlQuery?(ctx: FileContext, query: HostQuery, key: Predicate, site: BatchSite): BuiltStatement | undefined;
  /** One query over the collected keys, rewritten from an ORM query. */
  batchOrmQuery?(ctx: FileContext, query: HostQuery, loopTargets: string[], key: Predicate, site: BatchSite): BuiltStatement | undefined;
  /**
   * How the rows `query` reads per row of `outer` would load with `outer`'s rows instead, by
   * the key `column` (Prisma's `include`, Drizzle's `with`): a sentence for the message, and the
   * fix that adds the load to `outer` when the library can write it; undefined when the library
   * has no such load or no relation of `outer`'s model matches.
   */
  eagerLoad?(ctx: FileContext, outer: HostQuery, query: HostQuery, column: string): { advice: string; fix?: CoreFix } | undefined;
  /** Loads relationship `path` (`Agent.messages`) with the rows of `query` (SQLAlchemy's selectinload). */
  eagerLoadFix?(ctx: FileContext, query: HostQuery, path: string): CoreFix[];
  /** `batchOrmQuery` and `eagerLoad` read the whole file (its models, relations, imports), not only the query's function. */
  ormHooksReadFile?: boolean;

  // commit-in-loop
  /** How to write all items of a loop that commits per item, in one transaction. */
  commitOnceAdvice(dialect: Dialect, receiver: string, items: string, adds: boolean): string;
  /** Whether a commit directly in the loop's body may be moved after the loop (the rule writes the edit). */
  movesCommitAfterLoop?: boolean;
  /** How to batch an INSERT/UPDATE/DELETE run per item (`query`: the one run per item). */
  batchWriteAdvice(dialect: Dialect, kind: string, entity: string, table: string | undefined, query?: HostQuery, key?: { field: string; values: string }): string;
  /**
   * Why the library cannot write the rows of an INSERT/UPDATE/DELETE run per item in one statement
   * (a note for the message, which makes the finding info); undefined when it can.
   */
  rowWriteNote?(ctx: FileContext, query: HostQuery, loop: LoopContext): string | undefined;
  /** The loop of an INSERT/UPDATE/DELETE run per item (query `index`) rewritten to write all items at once. */
  batchWriteFix?(ctx: FileContext, index: number, loop: LoopContext): CoreFix[];

  // index fixes without migrations
  /**
   * The edits that declare `index` on the model defining the table (the model's
   * statement starts at `origin`): SQLAlchemy's `Index(...)` in `__table_args__`.
   */
  modelIndexEdits?(text: string, origin: number, suggestion: IndexSuggestion, index: IndexDefinition, dialect: Dialect): { className: string; edits: ExtraEdit[] } | undefined;

  // unpaginated-query
  /**
   * A limit written in the ORM's own terms (Prisma's `take: 100` in the arguments); when absent or
   * undefined, an ORM query gets `.limit(n)` at its `beforeTerminal`, if it has one.
   */
  ormLimitFix?(ctx: FileContext, query: HostQuery, limit: number): CoreFix | undefined;
  /** How to paginate an ORM query, and how a job walks all its rows, in its terms (`take` plus a `cursor`); undefined: the default advice. */
  paginationAdvice?(query: HostQuery): { page: string; walk?: string } | undefined;
  /** How a job reads every row without holding them all (`stream them (...)`). */
  streamAdvice: string;
  /**
   * Whether a builder or ORM write of this language with no predicate surely sends no WHERE: its reader leaves a
   * write with a filter it cannot read unread (unfiltered-write). SQLAlchemy's reader keeps the readable part of a
   * filter, so a Python write without predicates may still have one: no such promise there.
   */
  readsWritesWhole?(query: HostQuery): boolean;
  /** Whether the read already streams its rows (sqlx `.fetch`, SQLAlchemy `yield_per`). */
  streamsRows(text: string, query: HostQuery): boolean;
}
