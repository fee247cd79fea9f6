/**
 * Running one migration file the way its tool would: in a transaction with
 * its tracking write, unless the file says it cannot run in one. What a file
 * "says" is read by the project's SQL core, never by matching its text:
 * - it holds its own BEGIN / COMMIT: it manages its transactions; wrapping it
 *   would let its COMMIT end QueryLens's transaction half-way;
 * - on PostgreSQL, it holds a statement that refuses a transaction block
 *   (CREATE / DROP / REINDEX ... CONCURRENTLY, VACUUM, CREATE / DROP DATABASE,
 *   ALTER SYSTEM, tablespaces), which is how Flyway decides too;
 * - sqlx decides by its own marker only (`-- no-transaction` first line).
 * Outside a transaction the statements run one by one: PostgreSQL runs a
 * multi-statement query as one implicit transaction, where CONCURRENTLY fails.
 */
import { parseSync } from '../../core/sql/pg/wasm';
import { initParsers, parseDocument, splitStatements } from '../../core/sql/parse';
import type { DbDialect, DbSession } from '../types';

export type TransactionMode = 'wrapped' | 'own' | 'none';

const NEVER_IN_TRANSACTION = new Set(['VacuumStmt', 'CreatedbStmt', 'DropdbStmt', 'AlterSystemStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt']);

export async function transactionMode(text: string, dialect: DbDialect, marker?: (text: string) => boolean): Promise<TransactionMode> {
  if (marker) return marker(text) ? 'none' : 'wrapped';
  await initParsers();
  const doc = parseDocument(text, dialect);
  if (doc.statements.some((s) => s.kind === 'transaction')) return 'own';
  if (dialect !== 'postgres') return 'wrapped';
  for (const statement of doc.statements) {
    if (statement.changes.some((c) => c.kind === 'createIndex' && c.concurrently)) return 'none';
    if (refusesTransaction(statement.text)) return 'none';
  }
  return 'wrapped';
}

/** A PostgreSQL statement that cannot run inside a transaction block, from libpg-query's tree. */
function refusesTransaction(sql: string): boolean {
  let stmt: Record<string, unknown> | undefined;
  try {
    stmt = (parseSync(sql) as { stmts: { stmt: Record<string, unknown> }[] }).stmts[0]?.stmt;
  } catch {
    return false; // the database will say what is wrong with it
  }
  if (!stmt) return false;
  const [kind, node] = Object.entries(stmt)[0] ?? [];
  if (!kind) return false;
  if (NEVER_IN_TRANSACTION.has(kind)) return true;
  const n = node as Record<string, unknown>;
  if (kind === 'DropStmt' || kind === 'IndexStmt') return n.concurrent === true;
  if (kind === 'ReindexStmt') return JSON.stringify(n.params ?? []).includes('"concurrently"');
  return false;
}

/**
 * Runs the script: whole, in the simple protocol, as the tools send it (a
 * migration file is multi-statement by nature: the one place QueryLens sends
 * more than one statement at once), when it may; else statement by statement,
 * each alone.
 */
export async function runScript(session: DbSession, text: string, dialect: DbDialect, mode: TransactionMode): Promise<void> {
  if (mode !== 'none' && session.exec) return session.exec(text);
  const split = splitStatements(text, dialect);
  // The database would read an unclosed comment to the end of the file, and reject a NUL
  // byte: never send what the splitter recovered past such a fault (issue 9).
  const fault = split.faults[0];
  if (fault) {
    const line = text.slice(0, fault.span.start).split('\n').length;
    const what = fault.kind === 'nul' ? 'a NUL byte' : 'a /* comment that is never closed';
    throw new Error(`QueryLens did not run this script: line ${line} holds ${what}, so its statements cannot be told apart as the database would.`);
  }
  for (const span of split.statements) await session.query(text.slice(span.start, span.end));
}
