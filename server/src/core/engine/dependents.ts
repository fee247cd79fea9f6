/**
 * Which files' findings depend on a changed file (`check --changed`): a file
 * that writes schema (a migration, a DDL file, an ORM model) changes what the
 * rules know of its tables, so every file whose statements read or write one
 * of those tables is checked again. A query file changes only its own findings.
 */
import { tableKey } from '../catalog/build';
import type { ParsedDocument, QueryModel, SchemaChange } from '../sql/model';

/**
 * The tables (catalog keys) whose schema the document's statements write;
 * `tableOfIndex` names the table of an index dropped or renamed by name.
 */
export function tablesWrittenBy(document: ParsedDocument, tableOfIndex: (index: string) => string | undefined): Set<string> {
  const tables = new Set<string>();
  for (const statement of document.statements) {
    for (const change of statement.changes) {
      const indexes = change.kind === 'dropIndex' ? change.names : change.kind === 'renameIndex' ? [change.from] : [];
      for (const t of [...changedTables(change), ...indexes.map(tableOfIndex)]) if (t) tables.add(tableKey(t));
    }
  }
  return tables;
}

/** Index name (lower case, unqualified) → its table, from every CREATE INDEX (and index rename) of `documents`. */
export function indexTables(documents: ParsedDocument[]): Map<string, string> {
  const tables = new Map<string, string>();
  for (const document of documents) {
    for (const statement of document.statements) {
      for (const change of statement.changes) {
        if (change.kind === 'createIndex' && change.name) tables.set(tableKey(change.name), change.table);
        if (change.kind === 'renameIndex' && tables.has(tableKey(change.from))) tables.set(tableKey(change.to), tables.get(tableKey(change.from))!);
      }
    }
  }
  return tables;
}

/** Whether the document's statements read or write any of `tables` (catalog keys). */
export function touchesTables(document: ParsedDocument, tables: ReadonlySet<string>): boolean {
  return document.statements.some(
    (statement) =>
      (statement.query !== undefined && readsTables(statement.query, tables)) ||
      statement.changes.some((change) => changedTables(change).some((t) => tables.has(tableKey(t)))),
  );
}

function readsTables(query: QueryModel, tables: ReadonlySet<string>): boolean {
  return (
    query.tables.some((t) => tables.has(tableKey(t.name))) ||
    query.joins.some((j) => tables.has(tableKey(j.table.name))) ||
    query.subqueries.some((sub) => sub !== query && readsTables(sub, tables))
  );
}

/** The tables a schema change names (an index dropped or renamed by name names none: see `tableOfIndex`). */
function changedTables(change: SchemaChange): string[] {
  switch (change.kind) {
    case 'dropTable':
      return change.tables;
    case 'renameTable':
      return [change.from, change.to];
    case 'dropIndex':
    case 'renameIndex':
      return [];
    default:
      return [change.table];
  }
}
