/**
 * SQLite's own parser as the core's `SyntaxOracle`: a statement of a SQLite
 * file that node-sql-parser and the PostgreSQL fallback both reject is
 * prepared (compiled, never run) on an empty in-memory database of this
 * process. SQLite reads more than they do (`REFERENCES user` with no column
 * list), and a statement it compiles, or rejects only for a table, column or
 * function that the empty database lacks, is valid syntax: skipped as
 * unreadable rather than reported as a syntax error.
 *
 * The hosts (CLI, language server) pass it to the workspace; the core has no
 * database. Where neither better-sqlite3 nor node:sqlite loads, the oracle has
 * no answer and every rejected statement stays a syntax error.
 */
import type { Dialect } from '../../../shared/types';
import type { SyntaxOracle } from '../core/sql/parse';
import { sqliteNativeBinding } from './drivers/host/locate';
import { openSqliteEngine, type Engine } from './drivers/host/sqlite-backend';

/**
 * What SQLite says when its compiler needs a schema object the empty database
 * has not: the statement parsed. Any other error (`near "x": syntax error`,
 * `incomplete input`, `unrecognized token`, `AUTOINCREMENT is only allowed on
 * an INTEGER PRIMARY KEY`) is the statement's own.
 */
const NEEDS_SCHEMA = /^no such (table|column|function|collation sequence|module|index|view|trigger)\b|^unknown database\b/;

/**
 * Statements not compiled: some PRAGMAs act while being compiled, and a few of
 * them reach beyond this database (`temp_store_directory` is process-wide).
 */
const NOT_ASKED = /^\s*pragma\b/i;

/** Longer statements are not asked about (compiling them costs more than the answer is worth). */
const MAX_CHARS = 200_000;
/** Answers kept by text: a file is parsed again on every edit. */
const MAX_ANSWERS = 10_000;

/** Whether this process can load SQLite at all (undefined until first asked). */
let loadable: boolean | undefined;

/**
 * `ask` on a fresh in-memory database, closed right after: no SQLite handle stays open
 * (one left open until the process exits made some CLI runs end in a segmentation fault),
 * and a run whose SQL parsers reject nothing never loads SQLite at all.
 */
function withDatabase<T>(ask: (db: Engine) => T): T | undefined {
  if (loadable === false) return undefined;
  let db: Engine;
  try {
    db = openSqliteEngine(':memory:', false, sqliteNativeBinding());
    loadable = true;
  } catch {
    loadable = false; // no SQLite in this process: no oracle
    return undefined;
  }
  try {
    return ask(db);
  } finally {
    db.close();
  }
}

const answers = new Map<string, boolean | undefined>();

/** Whether SQLite compiles `text` (one statement), as `SyntaxOracle` answers; undefined when it cannot tell. */
export function sqliteAccepts(text: string): boolean | undefined {
  if (text.length > MAX_CHARS || NOT_ASKED.test(text)) return undefined;
  if (answers.has(text)) return answers.get(text);
  const answer = withDatabase((db) => {
    try {
      db.prepare(text);
      return true;
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      // SQLite's own errors: better-sqlite3's `SQLITE_ERROR`, node:sqlite's `ERR_SQLITE_ERROR`. A RangeError
      // (no statement, or several) or anything else: no answer.
      return typeof code === 'string' && code.includes('SQLITE_') && typeof message === 'string' ? NEEDS_SCHEMA.test(message) : undefined;
    }
  });
  if (loadable === false) return undefined;
  if (answers.size >= MAX_ANSWERS) answers.clear();
  answers.set(text, answer);
  return answer;
}

/** The oracle for the hosts' workspaces: SQLite's statements only (no answer where this process cannot load SQLite). */
export function sqliteSyntaxOracle(): SyntaxOracle {
  return (text: string, dialect: Dialect) => (dialect === 'sqlite' ? sqliteAccepts(text) : undefined);
}
