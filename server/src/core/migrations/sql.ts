/**
 * The SQL of generated index changes: identifiers quoted exactly as the schema
 * spells them, index names within PostgreSQL's 63 bytes and not colliding,
 * CONCURRENTLY only on PostgreSQL. Text that reaches a comment goes through
 * `commentSafe`: an identifier never writes a line of its own.
 */
import type { Dialect, IndexDefinition, MigrationChange } from '../../../../shared/types';
import type { IndexSuggestion } from '../rules/types';

export const MAX_IDENTIFIER_BYTES = 63; // PostgreSQL's NAMEDATALEN - 1; MySQL allows 64.

export interface CreateIndexOptions {
  concurrently: boolean;
  /** `IF NOT EXISTS`: off by default, since it would keep an INVALID index left by a failed concurrent build. */
  ifNotExists?: boolean;
}

export interface DropIndexOptions {
  concurrently: boolean;
  /** `IF EXISTS`; on by default (not on MySQL, which has no such clause). */
  ifExists?: boolean;
}

const TRIGRAM_OPCLASS = 'gin_trgm_ops';

function isTrigram(s: IndexSuggestion): boolean {
  return s.opclass === TRIGRAM_OPCLASS;
}

export function needsTrigram(index: IndexDefinition): boolean {
  return index.keys.some((k) => k.opclass === TRIGRAM_OPCLASS);
}

export function unqualified(table: string): string {
  const parts = table.split('.');
  return parts[parts.length - 1];
}

/** Lower-case letters, digits and single underscores: safe in any file name, identifier or comment. */
export function snake(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
}

/** `idx_<table>_<col1>_<col2>` (`_trgm` for trigram indexes), at most 63 bytes. */
export function indexName(s: IndexSuggestion): string {
  const name = snake(['idx', unqualified(s.table), ...s.columns, ...(isTrigram(s) ? ['trgm'] : [])].join('_'));
  return name.slice(0, MAX_IDENTIFIER_BYTES).replace(/_+$/, '');
}

/** `base`, else `base_2`, `base_3` ... (cut to stay within 63 bytes): the first not in `taken` (lower-case names). */
export function freeIndexName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const name = base.slice(0, MAX_IDENTIFIER_BYTES - suffix.length).replace(/_+$/, '') + suffix;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/** The file-name slug of a change: `add_index_<table>_<columns>` or `drop_index_<name>`. */
export function slugOf(change: MigrationChange): string {
  const { index } = change;
  const words = change.kind === 'createIndex' ? ['add_index', unqualified(index.table), ...index.keys.map((k) => k.column)] : ['drop_index', index.name];
  return snake(words.join('_')).slice(0, 80).replace(/_+$/, '') || 'index';
}

/** The suggestion as an index definition named `name`. */
export function definitionOf(s: IndexSuggestion, name = indexName(s)): IndexDefinition {
  const method = s.method ?? (isTrigram(s) ? 'gin' : undefined);
  return {
    name,
    table: s.table,
    keys: s.columns.map((column) => (s.opclass ? { column, opclass: s.opclass } : { column })),
    ...(method ? { method } : {}),
    ...(s.options ? { options: { ...s.options } } : {}),
  };
}

const RESERVED = new Set(['user', 'order', 'group', 'select', 'table', 'from', 'where', 'limit', 'offset', 'index', 'key', 'column', 'check', 'default', 'references', 'primary', 'unique', 'desc', 'asc', 'to', 'end', 'all', 'and', 'or', 'not', 'as', 'on', 'in', 'is', 'like', 'null', 'true', 'false', 'case', 'when', 'then', 'else', 'create', 'grant', 'union', 'having', 'window', 'analyse', 'analyze', 'both', 'cast', 'collate', 'constraint', 'current_user', 'distinct', 'do', 'for', 'foreign', 'into', 'leading', 'only', 'placing', 'returning', 'some', 'symmetric', 'trailing', 'using', 'variadic', 'with']);

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** An identifier as SQL needs it written: bare when it can be, quoted otherwise (`"ApiToken"`, `"userId"`). */
export function quoteIdent(name: string, dialect: Dialect): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)) return name;
  if (dialect === 'postgres' && CONTROL.test(name)) {
    // A line break inside quotes is still a line of the file: PostgreSQL's U&"..." spells it as an escape.
    return 'U&"' + name.replace(/["\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === '"' ? '""' : c === '\\' ? '\\\\' : '\\' + c.charCodeAt(0).toString(16).padStart(4, '0'))) + '"';
  }
  return dialect === 'mysql' ? '`' + name.replace(/`/g, '``') + '`' : '"' + name.replace(/"/g, '""') + '"';
}

/** `schema.table` → each part quoted when it needs it. */
export function quoteQualified(name: string, dialect: Dialect): string {
  return name.split('.').map((part) => quoteIdent(part, dialect)).join('.');
}

function schemaPrefix(table: string, dialect: Dialect): string {
  const parts = table.split('.');
  return parts.length > 1 ? parts.slice(0, -1).map((p) => quoteIdent(p, dialect)).join('.') + '.' : '';
}

/** Text for a `--` or `#` comment: one line, no control characters, no quotes or backslashes. */
export function commentSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029"'`\\]/g, '?');
}

/** One `CREATE INDEX ...;` statement. */
export function createIndexStatement(index: IndexDefinition, dialect: Dialect, opts: CreateIndexOptions): string {
  const postgres = dialect === 'postgres';
  const method = index.method?.toLowerCase();
  const using = postgres && method && method !== 'btree' ? ` USING ${quoteIdent(method, dialect)}` : '';
  const keys = index.keys
    .map((k) => quoteIdent(k.column, dialect) + (postgres && k.opclass ? ` ${quoteIdent(k.opclass, dialect)}` : '') + (k.desc ? ' DESC' : ''))
    .join(', ');
  const concurrently = postgres && opts.concurrently ? ' CONCURRENTLY' : '';
  const ifNotExists = opts.ifNotExists && dialect !== 'mysql' ? ' IF NOT EXISTS' : '';
  // MySQL builds indexes online with InnoDB's in-place algorithm when asked.
  const online = dialect === 'mysql' && opts.concurrently ? ' ALGORITHM=INPLACE LOCK=NONE' : '';
  const options = Object.entries(index.options ?? {});
  const storage = postgres && options.length ? ` WITH (${options.map(([k, v]) => `${quoteIdent(k, dialect)} = ${/^[\w.]+$/.test(v) ? v : `'${v.replace(/'/g, "''")}'`}`).join(', ')})` : '';
  return `CREATE INDEX${concurrently}${ifNotExists} ${quoteIdent(index.name, dialect)} ON ${quoteQualified(index.table, dialect)}${using} (${keys})${storage}${online};`;
}

/** One `DROP INDEX ...;` statement. */
export function dropIndexStatement(index: IndexDefinition, dialect: Dialect, opts: DropIndexOptions): string {
  const name = quoteIdent(index.name, dialect);
  if (dialect === 'mysql') return `DROP INDEX ${name} ON ${quoteQualified(index.table, dialect)};`;
  const concurrently = dialect === 'postgres' && opts.concurrently ? ' CONCURRENTLY' : '';
  const ifExists = opts.ifExists === false ? '' : ' IF EXISTS';
  return `DROP INDEX${concurrently}${ifExists} ${schemaPrefix(index.table, dialect)}${name};`;
}

/** One `CREATE INDEX ...;` statement for the suggestion. */
export function createIndexSql(s: IndexSuggestion, dialect: Dialect, opts: CreateIndexOptions): string {
  return createIndexStatement(definitionOf(s), dialect, opts);
}

/** The `DROP INDEX ...;` statement undoing `createIndexSql`. */
export function dropIndexSql(s: IndexSuggestion, dialect: Dialect, opts: DropIndexOptions): string {
  return dropIndexStatement(definitionOf(s), dialect, opts);
}

/** The statement a suggestion needs before its index can exist (`CREATE EXTENSION pg_trgm`), if any. */
export function extensionSql(s: IndexSuggestion, dialect: Dialect): string | undefined {
  return dialect === 'postgres' && isTrigram(s) ? 'CREATE EXTENSION IF NOT EXISTS pg_trgm;' : undefined;
}
