/**
 * What a statement is, decided by the project's SQL core (never by looking at
 * its text here), and whether QueryLens may run it: Explain takes exactly one
 * SELECT, INSERT, UPDATE, DELETE or MERGE (WITH ... of those included) and
 * refuses everything else before anything reaches the database, including a
 * call of a function a rollback cannot undo (effects.ts).
 */
import { parseSync } from '../../core/sql/pg/wasm';
import { statementKindOf } from '../../core/host/statement-kind';
import type { StatementKind } from '../../core/sql/model';
import { initParsers, parseDocument, splitStatements } from '../../core/sql/parse';
import { dbError } from '../drivers/errors';
import type { DbDialect, QueryResult } from '../types';
import { refusedByCatalog } from './catalog-effects';
import { functionCalls, namedRelations, refusedCall, WRITE_NODES, writtenTables, type FunctionCall, type RunMode, type TableRef } from './effects';

export type ExplainableKind = 'select' | 'insert' | 'update' | 'delete' | 'merge';

export interface ClassifiedStatement {
  kind: ExplainableKind;
  /** The statement as the core split it (no trailing `;`): what is sent to the database. */
  sql: string;
  /** Whether running it changes data or takes row locks (a write, a data-modifying CTE, SELECT ... FOR UPDATE). */
  writes: boolean;
  /** The functions it calls by name, anywhere in it (PostgreSQL; none read on SQLite). */
  functions: FunctionCall[];
  /** The tables it inserts into, updates, deletes from or merges into, anywhere in it (PostgreSQL): their triggers fire when it runs. */
  targets: TableRef[];
  /** Every table or view it names (PostgreSQL): views are followed into their definitions. */
  relations: TableRef[];
}

const EXPLAINABLE = new Set<StatementKind>(['select', 'insert', 'update', 'delete', 'merge']);

const WHAT: Partial<Record<StatementKind, string>> = {
  create_table: 'a CREATE TABLE',
  create_index: 'a CREATE INDEX',
  alter_table: 'an ALTER TABLE',
  drop: 'a DROP',
  rename: 'a RENAME',
  other_ddl: 'a DDL statement',
  transaction: 'a transaction command',
};

/**
 * `mode` says whether the statement will run (Explain Analyze, index proofs,
 * benchmarks) or only be planned: the deny-list of functions a rollback cannot
 * undo (effects.ts) is checked accordingly, on the parsed statement.
 */
export async function classifyStatement(sql: string, dialect: DbDialect, connection: string, mode: RunMode): Promise<ClassifiedStatement> {
  await initParsers();
  const refuse = (what: string, advice = 'Explain runs one SELECT, INSERT, UPDATE, DELETE or MERGE (or WITH ... of those), and never DDL.') =>
    dbError('refused', connection, `QueryLens did not run this: ${what}`, { advice });
  const doc = parseDocument(sql, dialect);
  if (doc.metaCommands.length) throw refuse('it holds psql meta-commands');
  let kind: StatementKind;
  let text: string;
  if (doc.errors.length === 0) {
    if (doc.statements.length !== 1) throw refuse(doc.statements.length === 0 ? 'there is no statement' : `it holds ${doc.statements.length} statements, Explain runs one`);
    kind = doc.statements[0].kind;
    text = doc.statements[0].text;
  } else if (dialect === 'sqlite') {
    // node-sql-parser misses some valid SQLite (`?2`, WITH ... DELETE): take the core's
    // token-level kind, for a single statement only. SQLite itself then compiles it, and
    // SELECTs run with `PRAGMA query_only` so a misread could not write.
    const spans = splitStatements(sql, 'sqlite').statements;
    if (spans.length !== 1) throw refuse(`it holds ${spans.length} statements, Explain runs one`);
    text = sql.slice(spans[0].start, spans[0].end);
    kind = statementKindOf(text);
  } else {
    throw refuse(`the statement does not parse (${doc.errors[0].message})`);
  }
  if (!EXPLAINABLE.has(kind)) throw refuse(`it is ${WHAT[kind] ?? 'not a query'} (${kind}), not a query`);
  let writes = kind !== 'select';
  let functions: FunctionCall[] = [];
  let targets: TableRef[] = [];
  let relations: TableRef[] = [];
  if (dialect === 'postgres') {
    const root = (parseSync(text) as { stmts: { stmt: Record<string, unknown> }[] }).stmts[0]?.stmt ?? {};
    if (kind === 'select') {
      const shape = pgSelectShape(root);
      if (shape.into) throw refuse('SELECT ... INTO creates a table');
      writes = shape.writes;
    }
    functions = functionCalls(root);
    targets = writtenTables(root);
    relations = namedRelations(root);
    const denied = refusedCall(functions, mode);
    if (denied) throw refuse(denied, 'A rollback cannot undo that, so QueryLens never runs it; run it yourself if you mean it.');
  }
  return { kind: kind as ExplainableKind, sql: text, writes, functions, targets, relations };
}

/** A PostgreSQL SELECT that creates a table (INTO), or writes through a CTE, or locks rows (FOR UPDATE/SHARE). */
function pgSelectShape(root: Record<string, unknown>): { into: boolean; writes: boolean } {
  const select = root.SelectStmt as Record<string, unknown> | undefined;
  let writes = false;
  const visit = (node: unknown): void => {
    if (writes || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    for (const [key, value] of Object.entries(node)) {
      if (WRITE_NODES.includes(key) || key === 'lockingClause') writes = true;
      visit(value);
    }
  };
  visit(root);
  return { into: Boolean(select?.intoClause), writes };
}

/**
 * Refuses the statement when a function it calls may resolve, in the
 * database's catalog, to a user function a rollback cannot undo (effects.ts).
 * PostgreSQL only (server or PGlite); `run` is one statement on a session of the job.
 */
export async function checkCatalogEffects(run: (sql: string, params: unknown[]) => Promise<QueryResult>, statement: ClassifiedStatement, dialect: DbDialect, mode: RunMode, connection: string): Promise<void> {
  if (dialect !== 'postgres') return;
  const denied = await refusedByCatalog(run, statement, mode);
  if (denied) throw dbError('refused', connection, `QueryLens did not run this: ${denied}`, { advice: 'Run it yourself if you mean it, or explain it without Analyze.' });
}
