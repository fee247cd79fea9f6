/**
 * Which files' findings depend on a changed file (`check --changed`): a file
 * that writes schema (a migration, a DDL file, an ORM model) changes what the
 * rules know of its tables, so every file whose statements read or write one
 * of those tables is checked again. A query file changes only its own findings.
 */
import { tableKey } from '../catalog/build';
import type { ParsedDocument, QueryModel, SchemaChange } from '../sql/model';

/** The tables (catalog keys) whose schema the document's statements write. */
export function tablesWrittenBy(document: ParsedDocument): Set<string> {
  const tables = new Set<string>();
  for (const statement of document.statements) for (const change of statement.changes) for (const t of changedTables(change)) tables.add(tableKey(t));
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

/** The tables a schema change is about (an index dropped by name names none: its table is not written down). */
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
