/**
 * A host file (Python, Rust) as the rules see every file: a ParsedDocument.
 * Raw SQL found in string literals goes through the SQL core and its spans are
 * mapped back into the file (escapes and concatenations included), ORM call
 * chains arrive as query models already, and ORM models and Alembic
 * operations become schema-changing statements for the catalog. Each
 * statement from a query keeps `hostQuery`, its index in the extraction, so
 * host rules and host-aware fixes can find the code around it.
 */
import type { Dialect } from '../../../../shared/types';
import type { EmbeddedSql, HostExtraction } from '../host/types';
import type { ParsedDocument, SchemaChange, Span, Statement } from '../sql/model';
import { parseDocument } from '../sql/parse';

export function hostDocument(text: string, extraction: HostExtraction, dialect: Dialect): ParsedDocument {
  const document: ParsedDocument = { dialect, statements: [], errors: [], metaCommands: [] };
  extraction.queries.forEach((query, index) => {
    if (query.preparedFrom !== undefined) return; // its SQL is the prepare's statement
    if (query.kind === 'sql' && query.sql) {
      const sqlDocument = parseDocument(query.sql.text, query.sql.dialect ?? dialect);
      const toFile = fileOffsets(query.sql);
      for (const statement of sqlDocument.statements) {
        const mapped: Statement = { ...remap(statement, toFile), hostQuery: index };
        // In an Alembic revision, `op.execute` DDL is already among the revision's changes.
        if (extraction.alembic) mapped.changes = [];
        document.statements.push(mapped);
      }
      for (const error of sqlDocument.errors) document.errors.push(remap(error, toFile));
    } else if (query.kind === 'orm' && query.model) {
      document.statements.push({
        kind: query.statementKind,
        span: query.span,
        text: text.slice(query.span.start, query.span.end),
        query: query.model,
        changes: [],
        inTransaction: false,
        hostQuery: index,
      });
    }
  });
  for (const model of extraction.models) {
    document.statements.push(schemaStatement(text, model.span, model.changes));
  }
  if (extraction.alembic && extraction.alembic.changes.length > 0) {
    const changes = extraction.alembic.changes;
    const span = { start: changes[0]!.span.start, end: changes[changes.length - 1]!.span.end };
    document.statements.push(schemaStatement(text, span, changes));
  }
  document.statements.sort((a, b) => a.span.start - b.span.start);
  return document;
}

function schemaStatement(text: string, span: Span, changes: SchemaChange[]): Statement {
  return {
    kind: 'create_table',
    span,
    text: text.slice(span.start, span.end),
    changes,
    inTransaction: false,
  };
}

/** Offset in the SQL text → offset in the host file. */
function fileOffsets(sql: EmbeddedSql): (offset: number) => number {
  const last = sql.offsets.length - 1;
  return (offset) => sql.offsets[Math.max(0, Math.min(offset, last))]!;
}

/** A copy of `value` with every span (`{start, end}`) moved from SQL to file offsets. */
function remap<T>(value: T, toFile: (offset: number) => number): T {
  if (Array.isArray(value)) return value.map((v) => remap(v, toFile)) as T;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.start === 'number' && typeof o.end === 'number') {
      return { start: toFile(o.start), end: toFile(o.end) } as T;
    }
    const out: Record<string, unknown> = {};
    for (const key in o) {
      const v = o[key];
      out[key] = v && typeof v === 'object' ? remap(v, toFile) : v;
    }
    return out as T;
  }
  return value;
}
