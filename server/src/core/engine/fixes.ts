/**
 * The fix for every index finding: the index written the way the project
 * writes schema changes. With migrations, a new migration in the project's own
 * layout (opened after applying); without, the CREATE INDEX statement placed
 * after the table's CREATE TABLE in its DDL file, an `Index(...)` after the
 * SQLAlchemy model of the table, or the statement above the query.
 */
import type { Dialect } from '../../../../shared/types';
import type { Catalog, MigrationSet } from '../catalog/types';
import { createIndexSql, indexName, planIndexMigration } from '../migrations/writer';
import type { CoreFix, IndexSuggestion } from '../rules/types';
import type { Span } from '../sql/model';

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

export function describeIndex(s: IndexSuggestion): string {
  const method = s.method && s.method !== 'btree' ? ` using ${s.method}` : '';
  return `${s.table}(${s.columns.join(', ')})${method}`;
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
 * No migrations, a SQLAlchemy model: a module-level `Index('idx_..', Model.a,
 * Model.b)` on the lines after the class body (valid SQLAlchemy: the columns
 * bind the index to the model's table).
 *
 * Text positions, not a Python parse: the class is the nearest `class` line at
 * or above the table's origin, indented less than the origin line (or the
 * origin line itself); its body ends before the first logical line indented
 * no deeper than `class`. Logical lines are found by skipping strings
 * (triple-quoted too), comments, bracketed continuations and backslash
 * continuations, so docstrings and multi-line `Column(...)` calls with any
 * indentation stay inside. A nested class (indented `class`) gets no fix: a
 * module-level line inside an outer block would end that block.
 */
function modelIndexFix(s: IndexSuggestion, dialect: Dialect, file: string, text: string, origin: number): CoreFix | undefined {
  const found = findClass(text, origin);
  if (!found || found.indent > 0) return undefined;
  const { className, start } = found;
  const end = endOfClassBody(text, start, found.indent);
  const body = text.slice(start, end);
  const indexCall = indexCallee(text);
  const postgres = dialect === 'postgres';
  const trigram = postgres && s.opclass === 'gin_trgm_ops';
  const method = postgres ? s.method ?? (trigram ? 'gin' : undefined) : undefined;
  const args = [pyString(indexName(s)), ...s.columns.map((c) => columnRef(className, body, c))];
  if (method && method.toLowerCase() !== 'btree') args.push(`postgresql_using=${pyString(method.toLowerCase())}`);
  if (postgres && s.opclass) args.push(`postgresql_ops={${s.columns.map((c) => `${pyString(c)}: ${pyString(s.opclass!)}`).join(', ')}}`);
  const note = trigram ? '# Needs the pg_trgm extension: CREATE EXTENSION IF NOT EXISTS pg_trgm;\n' : '';
  const statement = `${note}${indexCall.name}(${args.join(', ')})`;
  const edits: { span: Span; newText: string }[] = [];
  const importLine = indexCall.needsImport ? 'from sqlalchemy import Index\n' : '';
  const importAt = indexCall.importAt;
  if (importLine && importAt !== undefined && importAt < end) edits.push({ span: { start: importAt, end: importAt }, newText: importLine });
  const before = importLine && (importAt === undefined || importAt >= end) ? importLine : '';
  edits.push({ span: { start: end, end }, newText: `\n\n\n${before}${statement}${end === text.length ? '\n' : ''}` });
  return {
    title: `Add Index on ${describeIndex(s)} to the ${className} model`,
    changes: [{ kind: 'edit', file, edits }],
    isPreferred: true,
  };
}

function pyString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].length;
}

function findClass(text: string, origin: number): { className: string; indent: number; start: number } | undefined {
  let start = lineStart(text, origin);
  const originIndent = indentOf(text.slice(start, endOfStatementLine(text, start)));
  for (let first = true; ; first = false) {
    const line = text.slice(start, endOfStatementLine(text, start));
    const m = /^([ \t]*)class\s+([A-Za-z_]\w*)/.exec(line);
    if (m && (first || m[1].length < originIndent)) return { className: m[2], indent: m[1].length, start };
    if (start === 0) return undefined;
    start = lineStart(text, start - 1);
  }
}

/** Offset of the end of the class body's last code line (before its newline). */
function endOfClassBody(text: string, classStart: number, indent: number): number {
  let quote = '';
  let depth = 0;
  let lastCode = classStart;
  let i = classStart;
  let newLogicalLine = false;
  while (i < text.length) {
    if (newLogicalLine) {
      newLogicalLine = false;
      let j = i;
      while (text[j] === ' ' || text[j] === '\t') j++;
      const blank = j >= text.length || text[j] === '\n' || text[j] === '\r' || text[j] === '#';
      if (!blank && j - i <= indent) break;
    }
    const c = text[i];
    if (quote) {
      if (c === '\\') i += 2;
      else if (text.startsWith(quote, i)) {
        i += quote.length;
        lastCode = i;
        quote = '';
      } else if (c === '\n' && quote.length === 1) quote = ''; // unterminated: stop at the line end
      else i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n') newLogicalLine = depth === 0;
    else if (c === '"' || c === "'") quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
    if (!/\s/.test(c)) lastCode = i + 1;
    i += quote ? quote.length : 1;
  }
  return endOfStatementLine(text, lastCode > classStart ? lastCode - 1 : classStart);
}

/**
 * `Model.attr` for a column: the attribute whose `Column('name', ...)` /
 * `mapped_column('name', ...)` names it, else the attribute of the same name;
 * `Model.__table__.c['name']` when no attribute is found.
 */
function columnRef(className: string, body: string, column: string): string {
  let sameName = false;
  for (const m of body.matchAll(/^[ \t]+([A-Za-z_]\w*)\s*(?::[^=\n]*)?=\s*([^\n]*)/gm)) {
    const explicit = /^(?:[\w.]+\.)?(?:Column|mapped_column)\(\s*(['"])([^'"]+)\1/.exec(m[2])?.[2];
    if (explicit === column) return `${className}.${m[1]}`;
    if (m[1] === column && (explicit === undefined || explicit === column)) sameName = true;
  }
  return sameName ? `${className}.${column}` : `${className}.__table__.c[${pyString(column)}]`;
}

/**
 * How the module can name `Index`: imported already, through `import
 * sqlalchemy [as sa]`, or with a new `from sqlalchemy import Index` after the
 * last top-level import (`importAt`; before the new line when there is none).
 */
function indexCallee(text: string): { name: string; needsImport?: boolean; importAt?: number } {
  if (/^from\s+sqlalchemy(?:\.schema)?\s+import\s+(?:\([^)]*\bIndex\b(?!\s+as\b)[^)]*\)|[^\n(]*\bIndex\b(?!\s+as\b)|\*)/m.test(text)) return { name: 'Index' };
  const module = /^import\s+sqlalchemy(?:\s+as\s+(\w+))?\s*$/m.exec(text);
  if (module) return { name: `${module[1] ?? 'sqlalchemy'}.Index` };
  let importAt: number | undefined;
  for (const m of text.matchAll(/^(?:from\s+\S+\s+)?import\b[^\n(]*(\([^)]*\))?[^\n]*/gm)) importAt = endOfStatementLine(text, m.index! + m[0].length) + 1;
  return { name: 'Index', needsImport: true, importAt: importAt === undefined ? undefined : Math.min(importAt, text.length) };
}
