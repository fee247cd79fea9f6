/**
 * The kind of a SQL string from its leading keywords, before (and without)
 * the SQL core's parse: enough for the host rules (INSERT per item, SELECT
 * result iterated) and to tell SQL from other strings passed to `execute`.
 * Reads SQL text only, never Rust source.
 */
import type { StatementKind } from '../sql/model';

/**
 * Upper-cased words at parenthesis depth 0, comments and quoted text skipped.
 * `inSource`: `sql` is host source and the words of the string literal
 * opening at `from` are wanted (data-access.ts): an escape (`\n`) is skipped,
 * a quote ends them, and no more than `end` is read.
 */
function topLevelWords(sql: string, max: number, inSource?: { from: number; end: number }): string[] {
  const words: string[] = [];
  let depth = 0;
  let i = inSource?.from ?? 0;
  const end = inSource?.end ?? sql.length;
  while (i < end && words.length < max) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? end : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? end : close + 2;
    } else if (c === '\'' || c === '"' || c === '`') {
      if (inSource) break;
      const close = sql.indexOf(c, i + 1);
      i = close < 0 ? end : close + 1;
    } else if (c === '\\' && inSource) {
      i += 2;
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (isWordChar(c)) {
      let j = i;
      while (j < end && isWordChar(sql[j])) j++;
      if (depth === 0) words.push(sql.slice(i, j).toUpperCase());
      i = j;
    } else {
      i++;
    }
  }
  return words;
}

/** The first top-level word of the string literal whose text starts at `from` of host source, read up to `end` (see `topLevelWords`). */
export function firstWordOfLiteral(source: string, from: number, end: number): string | undefined {
  return topLevelWords(source, 1, { from, end })[0];
}

function isWordChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_';
}

const MAIN: Record<string, StatementKind> = {
  SELECT: 'select', VALUES: 'select', TABLE: 'select',
  INSERT: 'insert', REPLACE: 'insert', UPDATE: 'update', DELETE: 'delete', MERGE: 'merge',
};

const TRANSACTION = new Set(['BEGIN', 'COMMIT', 'ROLLBACK', 'START', 'SAVEPOINT', 'RELEASE', 'END']);

export function statementKindOf(sql: string): StatementKind {
  const words = topLevelWords(sql, 64);
  const first = words[0];
  if (!first) return 'other';
  if (MAIN[first]) return MAIN[first];
  // WITH cte AS (...) [, ...] <main statement>: the CTE bodies sit inside parentheses.
  if (first === 'WITH') return words.slice(1).map((w) => MAIN[w]).find(Boolean) ?? 'other';
  if (TRANSACTION.has(first)) return 'transaction';
  if (first === 'CREATE') {
    const what = words.slice(1).find((w) => !['OR', 'REPLACE', 'UNIQUE', 'TEMP', 'TEMPORARY', 'UNLOGGED', 'GLOBAL', 'LOCAL'].includes(w));
    return what === 'TABLE' ? 'create_table' : what === 'INDEX' ? 'create_index' : 'other_ddl';
  }
  if (first === 'ALTER') return words[1] === 'TABLE' ? 'alter_table' : 'other_ddl';
  if (first === 'DROP') return 'drop';
  if (OTHER_DDL.has(first)) return 'other_ddl';
  return 'other';
}

const OTHER_DDL = new Set(['COMMENT', 'GRANT', 'REVOKE', 'TRUNCATE']);
/** Statements `looksLikeSql` takes for SQL though their kind is `other`. */
const OTHER_SQL = ['EXPLAIN', 'SET', 'SHOW', 'PRAGMA', 'LOCK', 'VACUUM', 'ANALYZE', 'COPY', 'CALL'];

/**
 * Every word a string `looksLikeSql` may start with (its first word at the top level, upper-cased):
 * text whose strings start with none of them holds no SQL (host/typescript/data-access.ts).
 */
export const SQL_FIRST_WORDS: ReadonlySet<string> = new Set([...Object.keys(MAIN), 'WITH', ...TRANSACTION, 'CREATE', 'ALTER', 'DROP', ...OTHER_DDL, ...OTHER_SQL]);

/** Whether a string passed to an `execute`/`query`-like method is SQL at all. */
export function looksLikeSql(sql: string): boolean {
  const first = topLevelWords(sql, 1)[0];
  return first !== undefined && (statementKindOf(sql) !== 'other' || OTHER_SQL.includes(first));
}
