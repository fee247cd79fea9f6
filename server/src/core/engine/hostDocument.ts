/**
 * A host file (Python, Rust) as the rules see every file: a ParsedDocument.
 * Raw SQL found in string literals goes through the SQL core and its spans are
 * mapped back into the file (escapes and concatenations included); a string
 * the core cannot read is counted as unreadable, never a syntax error. ORM call
 * chains arrive as query models already, and ORM models and Alembic
 * operations become schema-changing statements for the catalog. Each
 * statement from a query keeps `hostQuery`, its index in the extraction, so
 * host rules and host-aware fixes can find the code around it.
 */
import type { Dialect } from '../../../../shared/types';
import { embeddedDialect } from '../host/extract';
import { spansToFile } from '../host/offsets';
import type { HostExtraction, HostQuery } from '../host/types';
import { hostQueryOrigin } from '../host/walk-cache';
import { rebase, shiftOwned } from '../sql/chunk';
import type { ParsedDocument, SchemaChange, Span, Statement } from '../sql/model';
import { parseDocument } from '../sql/parse';

/**
 * `migration`: the schema changes of the file as a migration whose reader is
 * not the extractor's (a knex or Kysely module, host/typescript/migrations.ts);
 * its raw SQL's DDL is among them, as for an Alembic revision.
 */
export function hostDocument(text: string, extraction: HostExtraction, dialect: Dialect, migration?: SchemaChange[]): ParsedDocument {
  const document: ParsedDocument = { dialect, statements: [], errors: [], metaCommands: [] };
  // In an Alembic revision or a migration the statements' changes are emptied: no moved statements are kept from one document to the next there.
  const build = extraction.alembic || migration ? undefined : ++builds;
  extraction.queries.forEach((query, index) => {
    if (query.preparedFrom !== undefined) return; // its SQL is the prepare's statement
    if (query.kind === 'sql' && query.sql) {
      const sqlDocument = embeddedStatements(query, embeddedDialect(query.sql, dialect), build);
      for (const statement of sqlDocument.statements) {
        const mapped: Statement = sqlDocument.moved ? statement : placedCopy(statement, build);
        mapped.hostQuery = index;
        // In an Alembic revision, `op.execute` DDL is already among the revision's changes.
        if (extraction.alembic || migration) mapped.changes = [];
        document.statements.push(mapped);
      }
      // Embedded SQL is surely SQL only to its author: what the parser cannot read is skipped, not an error.
      if (sqlDocument.unreadable) (document.unreadable ??= []).push(query.span);
    } else if (query.kind === 'orm' && query.model) {
      // A query the walk cache took over (the same object, moved with its span) keeps its statement.
      const kept = build === undefined ? undefined : ormStatements.get(query);
      if (kept && kept.span === query.span && kept.query === query.model && kept.kind === query.statementKind) {
        kept.hostQuery = index;
        document.statements.push(kept);
        return;
      }
      const statement: Statement = {
        kind: query.statementKind,
        span: query.span,
        text: text.slice(query.span.start, query.span.end),
        query: query.model,
        changes: [],
        inTransaction: false,
        hostQuery: index,
        orm: true,
      };
      if (build !== undefined) ormStatements.set(query, statement);
      document.statements.push(statement);
    }
  });
  for (const model of extraction.models) {
    document.statements.push(schemaStatement(text, model.span, model.changes));
  }
  if (extraction.alembic && extraction.alembic.changes.length > 0) {
    const changes = extraction.alembic.changes;
    document.statements.push(schemaStatement(text, spanOfChanges(changes), changes));
  }
  if (migration && migration.length > 0) document.statements.push(schemaStatement(text, spanOfChanges(migration), migration));
  document.statements.sort((a, b) => a.span.start - b.span.start);
  return document;
}

/**
 * The statement of an ORM query (its model), by query: a query the walk cache
 * takes over is the same object from version to version, its span moved in
 * place with it (host/walk-cache.ts), and so is its statement.
 */
const ormStatements = new WeakMap<HostQuery, Statement>();

/**
 * The statements of a query's SQL in file offsets, by the query as first
 * extracted (see `hostQueryOrigin`), and whether the parser could not read
 * some; `lastMoved`: the last moved copy of them, at `delta` from the origin's,
 * made for the document `build` (`hostDocument`'s count).
 */
const embedded = new WeakMap<HostQuery, { dialect: Dialect; statements: Statement[]; unreadable: boolean; lastMoved?: { delta: number; statements: Statement[]; build: number } }>();

/**
 * The copy of a query's statement that a document holds where the query has not moved (it gets
 * the document's `hostQuery`), by the statement: with `build`, the copy an earlier document
 * held is taken over (that document is replaced, as with `lastMoved`), so the statement is the
 * same object from version to version and what is kept for it (its reuse key in
 * engine/analysis.ts) serves again. Typing below a query left a new copy of it at every edit.
 */
function placedCopy(statement: Statement, build: number | undefined): Statement {
  if (build === undefined) return { ...statement };
  const known = placedCopies.get(statement);
  if (known && known.build !== build) {
    known.build = build;
    return known.copy;
  }
  const copy = { ...statement };
  if (!known) placedCopies.set(statement, { copy, build });
  return copy;
}

const placedCopies = new WeakMap<Statement, { copy: Statement; build: number }>();

/** Counts `hostDocument`'s documents that may keep moved statements (`embedded`). */
let builds = 0;

/**
 * The statements of a query's SQL, spans in the file. A query the walk cache
 * moved (typing above it) is the same SQL at the same place in its function:
 * its statements are those of its first version, moved, not parsed and mapped
 * again. With `build` (the document being built), the copy moved for an
 * earlier document is moved again in place (`shiftOwned`: that document is
 * replaced, as a SQL document's chunks are), unless the statements change the
 * schema (a catalog built from that document may hold their positions) or this
 * document has it already (the same function twice in the file).
 */
function embeddedStatements(query: HostQuery, dialect: Dialect, build: number | undefined): { statements: Statement[]; unreadable: boolean; moved?: boolean } {
  const { origin, delta } = hostQueryOrigin(query);
  let known = embedded.get(origin);
  if (known?.dialect !== dialect) {
    const sqlDocument = parseDocument(origin.sql!.text, dialect);
    known = { dialect, statements: sqlDocument.statements.map((statement) => spansToFile(statement, origin.sql!)), unreadable: sqlDocument.errors.length > 0 };
    embedded.set(origin, known);
  }
  // Moved, the statements are copies of their own (`moved`); else the kept ones, to be copied before they are changed.
  if (delta === 0) return known;
  const kept = known.lastMoved;
  if (build !== undefined && kept && kept.build !== build && known.statements.every((s) => s.changes.length === 0)) {
    shiftOwned(kept.statements, delta - kept.delta);
    kept.delta = delta;
    kept.build = build;
    return { statements: kept.statements, unreadable: known.unreadable, moved: true };
  }
  const statements = rebase(known.statements, delta);
  if (build !== undefined && !kept) known.lastMoved = { delta, statements, build };
  return { statements, unreadable: known.unreadable, moved: true };
}

function spanOfChanges(changes: SchemaChange[]): Span {
  return { start: changes[0]!.span.start, end: changes[changes.length - 1]!.span.end };
}

/** A migration read as schema changes only (knex and Kysely modules, host/typescript/migrations.ts): one statement holding them. */
export function schemaDocument(text: string, changes: SchemaChange[], dialect: Dialect): ParsedDocument {
  const document: ParsedDocument = { dialect, statements: [], errors: [], metaCommands: [] };
  if (changes.length > 0) document.statements.push(schemaStatement(text, spanOfChanges(changes), changes));
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
