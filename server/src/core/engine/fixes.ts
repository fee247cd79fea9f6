/**
 * The fix for every index finding: the index written the way the project
 * writes schema changes. With migrations, a new migration in the project's own
 * layout (opened after applying); without, the CREATE INDEX statement placed
 * after the table's CREATE TABLE in its DDL file, an `Index(...)` in the
 * `__table_args__` of the table's SQLAlchemy model, or the statement above the query.
 */
import type { Dialect } from '../../../../shared/types';
import type { Catalog, MigrationSet } from '../catalog/types';
import { createIndexSql, indexName, planIndexMigration } from '../migrations/writer';
import { formatColumns } from '../rules/query-helpers';
import type { CoreFix, IndexSuggestion } from '../rules/types';
import type { Span } from '../sql/model';
import { modelIndexEdits } from '../host/python/model-index';

export interface IndexFixInput {
  suggestion: IndexSuggestion;
  /** The statement the finding is about. */
  near: Span;
  /** The file the finding is in. */
  file: string;
  dialect: Dialect;
  catalog: Catalog;
  migrations: MigrationSet[];
  /** Text of a workspace file, for edits in another file. */
  textOf(file: string): string | undefined;
  now: Date;
}

function describeIndex(s: IndexSuggestion): string {
  const method = s.method && s.method !== 'btree' ? ` using ${s.method}` : '';
  return `${formatColumns(s.table, s.columns)}${method}`;
}

export function makeIndexFixes(input: IndexFixInput): CoreFix[] {
  const { suggestion, dialect } = input;
  const set = chooseMigrationSet(input);
  if (set) {
    const plan = planIndexMigration(set, suggestion, dialect, input.now);
    return [
      {
        title: `Add index on ${describeIndex(suggestion)} in a new migration`,
        changes: plan.files.map((f) => ({ kind: 'create' as const, file: f.file, content: f.content })),
        isPreferred: true,
        open: plan.open,
      },
    ];
  }
  const extension = suggestion.opclass === 'gin_trgm_ops' ? 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\n' : '';
  const statement = extension + createIndexSql(suggestion, dialect, { concurrently: false }) + '\n';
  const table = input.catalog.getTable(suggestion.table);
  const ddlFile = table?.origin.file;
  const ddlText = ddlFile ? input.textOf(ddlFile) : undefined;
  if (ddlFile?.endsWith('.py')) {
    const fix = ddlText === undefined ? undefined : modelIndexFix(suggestion, dialect, ddlFile, ddlText, table!.origin.span.start);
    return fix ? [fix] : [];
  }
  if (ddlFile && ddlText !== undefined) {
    const at = endOfStatementLine(ddlText, table!.origin.span.end);
    return [
      {
        title: `Add CREATE INDEX on ${describeIndex(suggestion)} after the CREATE TABLE`,
        changes: [{ kind: 'edit', file: ddlFile, edits: [{ span: { start: at, end: at }, newText: '\n' + statement }] }],
        isPreferred: true,
      },
    ];
  }
  const fileText = input.textOf(input.file) ?? '';
  const at = lineStart(fileText, input.near.start);
  return [
    {
      title: `Insert CREATE INDEX on ${describeIndex(suggestion)}`,
      changes: [{ kind: 'edit', file: input.file, edits: [{ span: { start: at, end: at }, newText: statement }] }],
    },
  ];
}

/** The set holding the table's migration, else (a Python model's table) an Alembic set, else the workspace's first set. */
function chooseMigrationSet(input: IndexFixInput): MigrationSet | undefined {
  const origin = input.catalog.getTable(input.suggestion.table)?.origin.file;
  return (
    input.migrations.find((set) => set.migrations.some((m) => m.upFile === origin)) ??
    (origin?.endsWith('.py') ? input.migrations.find((set) => set.tool === 'alembic') : undefined) ??
    input.migrations[0]
  );
}

/** Offset just past the `;` ending the statement at `end`, and the rest of its line. */
function endOfStatementLine(text: string, end: number): number {
  let i = end;
  while (i < text.length && text[i] !== '\n') i++;
  return i;
}

function lineStart(text: string, offset: number): number {
  let i = Math.min(offset, text.length);
  while (i > 0 && text[i - 1] !== '\n') i--;
  return i;
}

/**
 * No migrations, a SQLAlchemy model: `Index('idx_..', 'a', 'b')` in the
 * model's `__table_args__` (edited through the Python syntax tree, see
 * host/python/model-index.ts).
 */
function modelIndexFix(s: IndexSuggestion, dialect: Dialect, file: string, text: string, origin: number): CoreFix | undefined {
  const postgres = dialect === 'postgres';
  const trigram = postgres && s.opclass === 'gin_trgm_ops';
  const method = postgres ? s.method ?? (trigram ? 'gin' : undefined) : undefined;
  const args = [pyString(indexName(s)), ...s.columns.map(pyString)];
  if (method && method.toLowerCase() !== 'btree') args.push(`postgresql_using=${pyString(method.toLowerCase())}`);
  if (postgres && s.opclass) args.push(`postgresql_ops={${s.columns.map((c) => `${pyString(c)}: ${pyString(s.opclass!)}`).join(', ')}}`);
  const found = modelIndexEdits(text, origin, args);
  if (!found) return undefined;
  return {
    title: `Add Index on ${describeIndex(s)} to the ${found.className} model${trigram ? ' (needs the pg_trgm extension)' : ''}`,
    changes: [{ kind: 'edit', file, edits: found.edits }],
    isPreferred: true,
  };
}

function pyString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
