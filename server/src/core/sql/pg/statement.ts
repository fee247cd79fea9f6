/** One PostgreSQL statement's text → Statements and at most one SyntaxError (statement-relative spans). */
import { codePointToUtf16 } from '../bytes';
import type { QueryModel, SchemaChange, Statement, StatementKind, SyntaxError } from '../model';
import type { ChunkResult } from '../chunk';
import { errorSpanAt } from '../chunk';
import { DDL_STATEMENT_TYPES, PgDdlBuilder } from './ddl';
import { PgQueryBuilder, QUERY_STATEMENT_TYPES, type PgNode } from './query';
import { StatementText } from '../text';
import { parsePg } from './wasm';
import { compactQuery, NO_ITEMS } from '../build';

/** Top-level statement types with a model; the tree of any other statement is not even decoded. */
const MODELLED = new Set<string>([...QUERY_STATEMENT_TYPES, ...DDL_STATEMENT_TYPES]);
// The InsertStmt's fields come in the order relation, cols, selectStmt, ..., withClause: the first
// `selectStmt` in its tree is its own, and a VALUES list is the first field of the SelectStmt it makes.
const INSERT_SELECT = Buffer.from('"selectStmt":{"SelectStmt":{"');
const VALUES_LISTS = Buffer.from('valuesLists"');
/** A subquery inside an expression (`IN (SELECT ...)`, `EXISTS (...)`, a scalar subquery): its node's key. */
const SUBLINK = '"SubLink"';

function modelled(type: string, bytes: () => Buffer): boolean {
  if (type === 'InsertStmt') {
    // INSERT ... VALUES and INSERT ... DEFAULT VALUES have no query model (PgQueryBuilder's insert).
    const json = bytes();
    const at = json.indexOf(INSERT_SELECT);
    return at >= 0 && !json.subarray(at + INSERT_SELECT.length, at + INSERT_SELECT.length + VALUES_LISTS.length).equals(VALUES_LISTS);
  }
  return MODELLED.has(type);
}

/**
 * `text`'s statements and syntax error. `base`: where `text` starts in its document, for
 * statements built in place there (their spans are `base` on); the error's span is the text's own.
 */
export function parsePgChunk(text: string, base = 0): ChunkResult {
  let tree: PgNode;
  let subqueries: boolean;
  try {
    const parsed = parsePg(text, modelled, SUBLINK);
    // One statement with no model: what buildStatement would make of it, without its tree.
    if (!parsed.tree) return { statements: [{ kind: pgKindOf(parsed.type), span: { start: base, end: base + text.length }, text, changes: NO_ITEMS, inTransaction: false }], errors: NO_ITEMS };
    tree = parsed.tree;
    subqueries = parsed.probed !== false;
  } catch (e) {
    return { statements: [], errors: [pgError(text, e)] };
  }
  const stmts: PgNode[] = tree.stmts ?? [];
  // One statement (nearly every chunk): its list made to measure.
  if (stmts.length === 1) return { statements: [buildStatement(new StatementText(text, 'postgres', true, base), stmts[0].stmt ?? {}, subqueries)], errors: NO_ITEMS };
  const st = new StatementText(text);
  const statements: Statement[] = [];
  for (const raw of stmts) {
    // Offsets of sub-statements (when the splitter left two in one chunk) are bytes too.
    const from = st.at(raw.stmt_location ?? 0);
    const to = raw.stmt_len ? st.at((raw.stmt_location ?? 0) + raw.stmt_len) : text.length;
    const lead = from + (text.slice(from, to).length - text.slice(from, to).trimStart().length);
    const sub = new StatementText(text.slice(from, to).trim(), 'postgres', true, base + lead);
    statements.push(buildStatement(sub, raw.stmt ?? {}, subqueries));
  }
  return { statements, errors: NO_ITEMS };
}

function buildStatement(st: StatementText, node: PgNode, subqueries: boolean): Statement {
  const span = { start: st.base, end: st.base + st.text.length };
  const q = new PgQueryBuilder(st, subqueries);
  const kind = pgKind(node);
  let query: QueryModel | undefined;
  let changes: SchemaChange[] = NO_ITEMS;
  try {
    const built = q.statement(node);
    if (built) query = compactQuery(built);
    const made = new PgDdlBuilder(st, q).changes(node, span);
    if (made.length > 0) changes = made;
  } catch {
    // An unexpected tree shape costs this statement its model, never the document.
  }
  // Made whole, its query last as when it was added: no property added afterwards (V8 would give the object a second store for it).
  return query ? { kind, span, text: st.text, changes, inTransaction: false, query } : { kind, span, text: st.text, changes, inTransaction: false };
}

function pgError(text: string, e: unknown): SyntaxError {
  const err = e as { message?: string; sqlDetails?: { cursorPosition?: number; message?: string } };
  const message = err.sqlDetails?.message ?? err.message ?? 'syntax error';
  // libpg-query's cursor counts characters (code points), 0-based.
  const cursor = err.sqlDetails?.cursorPosition;
  const offset = typeof cursor === 'number' ? codePointToUtf16(text, cursor) : 0;
  return { message, span: errorSpanAt(text, offset, 'postgres') };
}

export function pgKind(node: PgNode): StatementKind {
  return pgKindOf(Object.keys(node)[0] ?? '');
}

/** The kind of a statement by its node type (`SelectStmt`...). */
function pgKindOf(type: string): StatementKind {
  switch (type) {
    case 'SelectStmt':
      return 'select';
    case 'InsertStmt':
      return 'insert';
    case 'UpdateStmt':
      return 'update';
    case 'DeleteStmt':
      return 'delete';
    case 'MergeStmt':
      return 'merge';
    case 'CreateStmt':
    case 'CreateTableAsStmt':
      return 'create_table';
    case 'IndexStmt':
      return 'create_index';
    case 'AlterTableStmt':
      return 'alter_table';
    case 'DropStmt':
      return 'drop';
    case 'RenameStmt':
      return 'rename';
    case 'TransactionStmt':
      return 'transaction';
    default:
      return /^(Create|Alter|Drop|Comment|Grant|Define|Rule|View)/.test(type) ? 'other_ddl' : 'other';
  }
}
