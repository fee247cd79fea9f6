/** One SQLite/MySQL statement → Statements or one SyntaxError, via node-sql-parser (statement-relative spans). */
import type { Parser } from 'node-sql-parser';
import type { Dialect } from '../../../../../shared/types';
import { resolveColumns } from '../build';
import { type ChunkResult, errorSpanAt } from '../chunk';
import type { Statement, StatementKind, SyntaxError } from '../model';
import { Tok, tokenize } from '../split/lexer';
import { StatementText } from '../text';
import { SqlParserDdlBuilder } from './ddl';
import { Locator } from './locate';
import { SqlParserQueryBuilder, type SpNode } from './query';

let mysqlParser: Parser | undefined;
let sqliteParser: Parser | undefined;
/**
 * node-sql-parser is large (its grammars are most of the bundle): load a dialect's
 * grammar on its first statement, so PostgreSQL-only runs never compile it, and
 * only that dialect's (its one-dialect builds). The bundle ships each as its own
 * file (see esbuild.mjs).
 */
function sqlParser(dialect: Dialect): Parser {
  type Module = typeof import('node-sql-parser');
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (dialect === 'mysql') return (mysqlParser ??= new (require('node-sql-parser/build/mysql') as Module).Parser());
  return (sqliteParser ??= new (require('node-sql-parser/build/sqlite') as Module).Parser());
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Statements node-sql-parser does not know but that are valid: kept, never reported. */
const PASS_THROUGH: Record<string, StatementKind> = {
  BEGIN: 'transaction', COMMIT: 'transaction', ROLLBACK: 'transaction', END: 'transaction', START: 'transaction',
  SAVEPOINT: 'transaction', RELEASE: 'transaction', PRAGMA: 'other', VACUUM: 'other', ANALYZE: 'other',
  ATTACH: 'other', DETACH: 'other', REINDEX: 'other', EXPLAIN: 'other', SET: 'other', USE: 'other',
  LOCK: 'other', UNLOCK: 'other', SHOW: 'other', DELIMITER: 'other', GRANT: 'other', REVOKE: 'other',
  FLUSH: 'other', OPTIMIZE: 'other', DESCRIBE: 'other', DESC: 'other', CALL: 'other',
};

export function parseSqlParserChunk(text: string, dialect: Dialect): ChunkResult {
  const first = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? '';
  const passKind = PASS_THROUGH[first];
  if (passKind) return { statements: [plain(text, passKind)], errors: [] };
  let ast: SpNode;
  try {
    ast = sqlParser(dialect).astify(text, { database: dialect === 'mysql' ? 'mysql' : 'sqlite' });
  } catch (e) {
    return fallback(text, dialect, e);
  }
  const nodes: SpNode[] = Array.isArray(ast) ? ast : [ast];
  const refused = dialect === 'sqlite' ? sqliteAlterRefused(text) : undefined;
  if (refused) return { statements: [], errors: [refused] };
  return { statements: nodes.map((n) => buildStatement(text, dialect, n)), errors: [] };
}

/**
 * SQLite's ALTER TABLE renames a table or a column, adds or drops a column,
 * nothing else; node-sql-parser's SQLite grammar also takes MySQL's forms
 * (`DROP INDEX x`, `ADD CONSTRAINT ...`), which SQLite refuses.
 */
function sqliteAlterRefused(text: string): SyntaxError | undefined {
  const m = /^(\s*ALTER\s+TABLE\s+(?:"[^"]*"|`[^`]*`|\[[^\]]*\]|[\w.]+)\s+(?:ADD|DROP)\s+)(INDEX|KEY|CONSTRAINT|PRIMARY|FOREIGN|UNIQUE|CHECK)\b/i.exec(text);
  if (!m) return undefined;
  const start = m[1]!.length;
  return { message: `SQLite's ALTER TABLE cannot ${m[0].trim().split(/\s+/).slice(-2).join(' ').toUpperCase()}: it only renames a table or column and adds or drops a column`, span: { start, end: start + m[2]!.length } };
}

function plain(text: string, kind: StatementKind): Statement {
  return { kind, span: { start: 0, end: text.length }, text, changes: [], inTransaction: false };
}

function buildStatement(text: string, dialect: Dialect, node: SpNode): Statement {
  const statement = plain(text, kindOf(node));
  try {
    const st = new StatementText(text, dialect, false);
    const loc = new Locator(st);
    const query = new SqlParserQueryBuilder(loc).build(node);
    if (query) {
      resolveColumns(query);
      statement.query = query;
    }
    statement.changes = new SqlParserDdlBuilder(st, loc).changes(node, statement.span);
  } catch {
    // An AST shape we did not expect costs the statement its model, never the document.
  }
  return statement;
}

function kindOf(node: SpNode): StatementKind {
  switch (node?.type) {
    case 'select':
    case 'insert':
    case 'update':
    case 'delete':
    case 'drop':
    case 'rename':
      return node.type;
    case 'replace':
      return 'insert';
    case 'create':
      return node.keyword === 'table' ? 'create_table' : node.keyword === 'index' ? 'create_index' : 'other_ddl';
    case 'alter':
      return 'alter_table';
    default:
      return 'other';
  }
}

/** node-sql-parser rejects some valid DROP forms (`DROP INDEX IF EXISTS` in SQLite): read those from tokens. */
function fallback(text: string, dialect: Dialect, e: unknown): ChunkResult {
  const toks = tokenize(text, dialect);
  const word = (i: number) => (toks[i]?.kind === Tok.Word || toks[i]?.kind === Tok.QuotedIdent ? text.slice(toks[i].start, toks[i].end).replace(/^[`"[]|[`"\]]$/g, '') : '');
  if (word(0).toUpperCase() === 'DROP' && /^(INDEX|TABLE)$/i.test(word(1))) {
    const isIndex = /^INDEX$/i.test(word(1));
    let i = 2;
    if (/^IF$/i.test(word(i)) && /^EXISTS$/i.test(word(i + 1))) i += 2;
    const names: string[] = [];
    for (; i < toks.length; i++) {
      const w = word(i);
      if (!w || /^(ON|CASCADE|RESTRICT)$/i.test(w)) break;
      if (i + 1 < toks.length && text[toks[i + 1].start] === '.') continue;
      names.push(toks[i].kind === Tok.QuotedIdent ? w : w.toLowerCase());
      if (text[toks[i + 1]?.start] !== ',') break;
      i++;
    }
    if (names.length) {
      const s = plain(text, 'drop');
      s.changes = [isIndex ? { kind: 'dropIndex', names, span: s.span } : { kind: 'dropTable', tables: names, span: s.span }];
      return { statements: [s], errors: [] };
    }
  }
  const err = e as { location?: { start?: { offset?: number } }; message?: string };
  const offset = err.location?.start?.offset ?? 0;
  const span = errorSpanAt(text, offset, dialect);
  const near = span.end > span.start && offset < text.trimEnd().length ? `at or near "${text.slice(span.start, span.end)}"` : 'at end of input';
  return { statements: [], errors: [{ message: `syntax error ${near}`, span }] };
}
