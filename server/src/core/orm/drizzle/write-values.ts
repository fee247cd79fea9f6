/**
 * What a Drizzle write sets (QueryModel.write), as drizzle-orm sends it (checked
 * against its `toSQL()`): `db.insert(t).values(..)` names every column of the
 * table, each value given bound and every other one `default`, a VALUES row per
 * object; `db.update(t).set({..})` sets the columns given; `db.delete(t)` sets
 * none. Values drizzle computes itself are bound too: `$defaultFn` in an INSERT,
 * `$onUpdate` in an UPDATE (ModelField.auto). Undefined when the
 * values cannot be read whole: a variable, a spread, an `sql` value, a key that
 * is no column of the table.
 */
import type { SyntaxNode } from '../../host/treesitter';
import type { HostModel } from '../../host/types';
import type { OrmWrite, StatementKind, WrittenValue } from '../../sql/model';
import { unwrap } from '../../host/typescript/syntax';
import { entryKey, rowObjects } from '../../host/typescript/write-rows';

export function drizzleWrite(kind: StatementKind, table: HostModel | undefined, values: SyntaxNode | undefined): OrmWrite | undefined {
  if (kind === 'delete') return { columns: [], rows: [] };
  if (!table || !values) return undefined;
  const fields = (table.fields ?? []).filter((f) => !f.relation);
  if (kind === 'update') {
    const set = given(table, unwrap(values));
    if (!set || set.size === 0) return undefined;
    for (const f of fields) if (f.auto === 'updateDate' && !set.has(f.column)) set.set(f.column, 'param');
    return { columns: [...set.keys()], rows: [[...set.values()]] };
  }
  const rows = rowObjects(values)?.map((row) => given(table, row));
  if (!rows || rows.length === 0 || rows.some((r) => !r)) return undefined;
  return { columns: fields.map((f) => f.column), rows: rows.map((r) => fields.map((f): WrittenValue => r!.get(f.column) ?? (f.auto === 'generated' ? 'param' : 'default'))) };
}

/** `{ title, agentId: id }` → column → 'param'; undefined when not readable whole. */
function given(table: HostModel, object: SyntaxNode): Map<string, WrittenValue> | undefined {
  if (object.type !== 'object') return undefined;
  const out = new Map<string, WrittenValue>();
  for (const entry of object.namedChildren) {
    if (entry.type === 'comment') continue;
    const name = entryKey(entry);
    const field = name !== undefined ? table.fields?.find((f) => f.name === name && !f.relation) : undefined;
    if (!field) return undefined;
    const value = entry.type === 'pair' ? unwrap(entry.childForFieldName('value')!) : entry;
    // sql`now()`: SQL drizzle inlines, with its own parameters.
    if (value.type === 'call_expression' && unwrap(value.childForFieldName('function')!).text === 'sql') return undefined;
    out.set(field.column, 'param');
  }
  return out;
}
