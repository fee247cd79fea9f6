/**
 * What a Prisma Client write sets (QueryModel.write), for the SQL QueryLens
 * renders over it: the columns of the fields its `data` gives (a relation's
 * `connect: { key }` as its foreign key column), then the values Prisma's
 * engine fills in itself and binds (`@updatedAt`, on every write; the
 * defaults it generates, `now()`, `cuid()`, `uuid()`, ..., when an INSERT
 * leaves the field out); one VALUES row per object of `createMany`'s data
 * (`items.map((x) => ({ ... }))`: one row rendered), `skipDuplicates` as
 * `ON CONFLICT DO NOTHING`; `upsert` as `INSERT ... ON CONFLICT (its where's
 * unique columns) DO UPDATE SET` its `update` data. The calls that return
 * their rows (`create`, `update`, `delete`, `upsert`, the `AndReturn` forms)
 * end in `RETURNING *`.
 *
 * Undefined when the data cannot be read whole: a variable, a spread, a nested
 * write (`create`/`connectOrCreate` of a relation), an atomic update
 * (`{ increment: 1 }`), a key that is no field, rows of different fields.
 */
import type { HostModel, ModelField } from '../host/types';
import type { SyntaxNode } from '../host/treesitter';
import type { OrmWrite, WrittenValue } from '../sql/model';
import { unwrap } from '../host/typescript/syntax';
import { entryKey, rowObjects } from '../host/typescript/write-rows';

const RETURNS_ROWS = new Set(['create', 'update', 'delete', 'upsert', 'createManyAndReturn', 'updateManyAndReturn']);

/** The write of `method` with its arguments' properties (`data`, `create`, `update`, `skipDuplicates`); `target`: upsert's conflict columns. */
export function prismaWrite(model: HostModel, method: string, args: Map<string, SyntaxNode>, target: string[]): OrmWrite | undefined {
  const returning = RETURNS_ROWS.has(method) ? { returning: true } : {};
  if (method === 'delete' || method === 'deleteMany') return { columns: [], rows: [], ...returning };
  const fields = model.fields ?? [];
  if (method === 'update' || method === 'updateMany' || method === 'updateManyAndReturn') {
    const set = args.get('data') && dataValues(fields, unwrap(args.get('data')!), false);
    return set && set.size > 0 ? { columns: [...set.keys()], rows: [[...set.values()]], ...returning } : undefined;
  }
  const data = method === 'upsert' ? args.get('create') : args.get('data');
  const rows = data && rowObjects(unwrap(data));
  if (!rows || rows.length === 0) return undefined;
  const read = rows.map((row) => dataValues(fields, row, true));
  const first = read[0];
  if (!first || read.some((r) => !r || r.size !== first.size || [...r.keys()].some((k) => !first.has(k)))) return undefined;
  const columns = [...first.keys()];
  const write: OrmWrite = { columns, rows: read.map((r) => columns.map((c) => r!.get(c)!)), ...returning };
  if (method === 'upsert') {
    const update = args.get('update') && dataValues(fields, unwrap(args.get('update')!), false);
    if (!update || target.length === 0) return undefined;
    write.onConflict = { target, update: [...update.keys()], bound: true };
  } else if (args.get('skipDuplicates') && unwrap(args.get('skipDuplicates')!).type === 'true') write.onConflict = { target: [], update: [] };
  return write;
}

/** A data object → column → value, with what Prisma adds (`insert`: the defaults it generates). */
function dataValues(fields: ModelField[], object: SyntaxNode, insert: boolean): Map<string, WrittenValue> | undefined {
  if (object.type !== 'object') return undefined;
  const out = new Map<string, WrittenValue>();
  for (const entry of object.namedChildren) {
    if (entry.type === 'comment') continue;
    const name = entryKey(entry);
    const field = name !== undefined ? fields.find((f) => f.name === name) : undefined;
    if (!field) return undefined; // a spread, a computed key, no such field
    const value = entry.type === 'pair' ? unwrap(entry.childForFieldName('value')!) : entry;
    if (field.relation) {
      // `agent: { connect: { id } }` by the key the foreign key references: that column; any other nested write
      // (or a connect by another unique field, which Prisma looks up first) is statements of its own.
      const connect = value.type === 'object' ? onlyProperty(value, 'connect') : undefined;
      const keyValue = connect?.type === 'object' && field.relation.columns.length === 1 ? onlyProperty(connect, field.relation.references[0]!) : undefined;
      if (!keyValue) return undefined;
      out.set(field.relation.columns[0]!, 'param');
      continue;
    }
    if (value.type === 'object') {
      // `{ set: x }` is the value; `{ increment: 1 }` and the other atomic operations are SQL QueryLens does not write out.
      if (!onlyProperty(value, 'set')) return undefined;
    }
    out.set(field.column, 'param');
  }
  for (const f of fields) {
    if (f.relation || out.has(f.column)) continue;
    if (f.auto === 'updateDate' || (insert && f.auto === 'generated')) out.set(f.column, 'param');
  }
  // In the model's field order, as Prisma's INSERT names them (prisma/orm#25808: `("id","name","createdAt")`).
  const order = (column: string) => fields.findIndex((f) => (f.relation ? f.relation.columns[0] : f.column) === column);
  return new Map([...out].sort((a, b) => order(a[0]) - order(b[0])));
}

/** The value of an object's one property `name` (undefined when it has other properties or not that one). */
function onlyProperty(object: SyntaxNode, name: string): SyntaxNode | undefined {
  const entries = object.namedChildren.filter((c) => c.type !== 'comment');
  if (entries.length !== 1) return undefined;
  const entry = entries[0]!;
  if (entry.type === 'shorthand_property_identifier') return entry.text === name ? entry : undefined;
  if (entry.type !== 'pair') return undefined;
  const key = entry.childForFieldName('key');
  return key?.text === name || key?.text.slice(1, -1) === name ? unwrap(entry.childForFieldName('value')!) : undefined;
}
