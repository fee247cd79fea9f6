/**
 * What a TypeORM write sets, as TypeORM 0.3/1.x sends it on PostgreSQL
 * (`InsertQueryBuilder`, `UpdateQueryBuilder`; checked against the package's
 * `getQueryAndParameters()`), for the SQL QueryLens renders (QueryModel.write):
 *
 * - an INSERT names every column of the entity but an increment key
 *   (`@PrimaryGeneratedColumn()`), each given value bound, every other one
 *   `DEFAULT` (a `@VersionColumn` 1), one VALUES row per object;
 *   `.into(Entity, ['a'])` names those columns only;
 * - an UPDATE sets the columns given, then `"version" = "version" + 1` and
 *   `"updatedAt" = CURRENT_TIMESTAMP` unless given;
 * - a value written as a function (`{ position: () => 'position + 1' }`) is its
 *   SQL, property names turned into their columns as TypeORM does.
 *
 * Undefined when the values cannot be read whole: a variable, a spread, a key
 * that is no property of the entity, SQL built at run time.
 */
import type { SyntaxNode } from '../../host/treesitter';
import type { HostModel, ModelField } from '../../host/types';
import type { OrmWrite, WrittenValue } from '../../sql/model';
import { entryKey, rowObjects } from '../../host/typescript/write-rows';
import { stringOf, unwrap } from './entities';

type Node = SyntaxNode;

/** The values of `.values(...)` / `insert(...)`: an object, an array of objects, or `items.map((x) => ({ ... }))` (one row rendered). */
export function insertValues(entity: HostModel, values: Node, only?: string[]): OrmWrite | undefined {
  const objects = rowObjects(unwrap(values));
  if (!objects || objects.length === 0) return undefined;
  const columns = insertedColumns(entity, only);
  if (!columns) return undefined;
  const rows: WrittenValue[][] = [];
  for (const object of objects) {
    const given = objectValues(entity, object);
    if (!given) return undefined;
    rows.push(columns.map((f) => given.get(f.column) ?? (f.auto === 'version' ? { sql: '1' } : 'default')));
  }
  return { columns: columns.map((f) => f.column), rows };
}

/** The SET of `.set({...})` / `update(criteria, {...})`, with the columns TypeORM adds. */
export function updateValues(entity: HostModel, set: Node): OrmWrite | undefined {
  const given = objectValues(entity, unwrap(set));
  if (!given || given.size === 0) return undefined;
  const columns = [...given.keys()];
  const row = [...given.values()];
  const fields = entity.fields ?? [];
  const version = fields.find((f) => f.auto === 'version');
  if (version && !given.has(version.column)) {
    columns.push(version.column);
    row.push({ sql: `${quoted(version.column)} + 1` });
  }
  const updated = fields.find((f) => f.auto === 'updateDate');
  if (updated && !given.has(updated.column)) {
    columns.push(updated.column);
    row.push({ sql: 'CURRENT_TIMESTAMP' });
  }
  return { columns, rows: [row] };
}

/** Columns an INSERT names: every column field (a relation's one join column included), but an increment key; `only` (property names) when given. */
function insertedColumns(entity: HostModel, only?: string[]): ModelField[] | undefined {
  const seen = new Set<string>();
  const out: ModelField[] = [];
  for (const f of entity.fields ?? []) {
    if (only ? !only.includes(f.name) : f.auto === 'increment') continue;
    if (f.relation && f.relation.columns.length !== 1) continue;
    const column = f.relation ? f.relation.columns[0]! : f.column;
    if (seen.has(column)) continue;
    seen.add(column);
    out.push(f.relation ? { ...f, column } : f);
  }
  return only && out.length !== only.length ? undefined : out;
}

/** `{ title, collectionId: id, position: () => 'position + 1' }` → column → value; undefined when not readable whole. */
function objectValues(entity: HostModel, object: Node): Map<string, WrittenValue> | undefined {
  if (object.type !== 'object') return undefined;
  const out = new Map<string, WrittenValue>();
  for (const entry of object.namedChildren) {
    if (entry.type === 'comment') continue;
    const name = entryKey(entry); // none for a spread: its keys are unknown
    const field = name !== undefined ? entity.fields?.find((f) => f.name === name) : undefined;
    if (!field) return undefined;
    const column = field.relation ? (field.relation.columns.length === 1 ? field.relation.columns[0] : undefined) : field.column;
    if (!column) return undefined;
    const value = entry.type === 'pair' ? unwrap(entry.childForFieldName('value')!) : entry;
    const written = writtenValue(entity, value);
    if (!written) return undefined;
    out.set(column, written);
  }
  return out;
}

function writtenValue(entity: HostModel, value: Node): WrittenValue | undefined {
  if (value.type !== 'arrow_function' && value.type !== 'function_expression') return 'param';
  const body = value.childForFieldName('body');
  const sql = body ? stringOf(unwrap(body)) : undefined;
  // `() => ':embedding'` takes a parameter TypeORM binds (`setParameter`): not SQL QueryLens can send as it is.
  if (sql === undefined || /(^|[^:]):\.{0,3}[A-Za-z_]/.test(sql)) return undefined;
  return { sql: withColumns(entity, sql) };
}

/** TypeORM's replacement of property names in SQL it is given (QueryBuilder.replacePropertyNames): a name after ` =(` or at the start, before ` =),` or the end. */
function withColumns(entity: HostModel, sql: string): string {
  const columns = new Map<string, string>();
  for (const f of entity.fields ?? []) {
    if (f.relation) continue;
    columns.set(f.column, f.column);
    columns.set(f.name, f.column);
  }
  return sql.replace(/(^|[ =(])([^ =(),]+)(?=[ =),]|$)/g, (whole, before: string, name: string) => (columns.has(name) ? `${before}${quoted(columns.get(name)!)}` : whole));
}

function quoted(column: string): string {
  return `"${column.replace(/"/g, '""')}"`;
}
