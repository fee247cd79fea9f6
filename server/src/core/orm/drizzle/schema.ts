/**
 * Drizzle table definitions → HostModel, read from the TypeScript syntax tree:
 *
 *   export const users = pgTable('users', {
 *     id: serial('id').primaryKey(),
 *     orgId: integer('org_id').notNull().references(() => orgs.id),
 *     email: varchar({ length: 255 }).unique(),
 *   }, (t) => [index('users_org_idx').on(t.orgId), uniqueIndex().on(t.email)]);
 *
 * `pgTable`, `sqliteTable`, `mysqlTable` (imported from drizzle-orm) and a
 * schema's `.table(...)` (`const s = pgSchema('app')`, `pgSchema('app').table`).
 * The model's className is the table's variable, its `fields` the property
 * keys with their columns: a column builder's first string argument, else the
 * key itself (Drizzle's default; a `casing` option set elsewhere maps such keys
 * once the workspace's models are known: casing.ts). The index callback is read whether it returns
 * an array (`(t) => [...]`) or the older object (`(t) => ({ ... })`, a block
 * that returns one): `index(name).on(...)`, `uniqueIndex(...)`, `.using(method, ...)`,
 * `.where(...)` (partial), `primaryKey({ columns })`, `unique().on(...)`, `foreignKey({...})`.
 * Names Drizzle Kit generates for what the code leaves unnamed follow drizzle-kit
 * (`<table>_<columns>_index`, `<table>_<column>_unique`, `<table>_<columns>_fk`).
 *
 * A column's foreign key (`.references(() => other.id)`) is kept when the
 * referenced table is declared in the same file, or imported from another
 * file whose model the extraction has (the workspace's models: the full
 * extraction, not the schema-only one that collects them).
 */
import type { ColumnDef, ForeignKeyDef, IndexKey, SchemaChange } from '../../sql/model';
import type { SyntaxNode } from '../../host/treesitter';
import { typedTextTest } from '../../last-text';
import type { HostModel, ModelField } from '../../host/types';
import { fileLibraries } from '../../host/typescript/libraries';
import { argsOf, plainString, spanOf, unwrap } from '../../host/typescript/syntax';

type Node = SyntaxNode;

/** The table functions of drizzle-orm's dialect packages. */
const TABLE_FUNCTIONS = new Set(['pgTable', 'sqliteTable', 'mysqlTable', 'singlestoreTable']);
/** The schema functions whose result has `.table(...)`. */
const SCHEMA_FUNCTIONS = new Set(['pgSchema', 'mysqlSchema']);

/** Column builders → SQL type (pg-core, sqlite-core and mysql-core names). */
const COLUMN_TYPES: Record<string, string> = {
  serial: 'serial', bigserial: 'bigserial', smallserial: 'smallserial', integer: 'integer', int: 'integer', smallint: 'smallint',
  bigint: 'bigint', tinyint: 'tinyint', mediumint: 'mediumint', text: 'text', varchar: 'varchar', char: 'char', boolean: 'boolean',
  timestamp: 'timestamp', date: 'date', time: 'time', datetime: 'datetime', year: 'year', interval: 'interval', uuid: 'uuid',
  json: 'json', jsonb: 'jsonb', real: 'real', doublePrecision: 'double precision', double: 'double', float: 'float',
  numeric: 'numeric', decimal: 'decimal', inet: 'inet', cidr: 'cidr', macaddr: 'macaddr', macaddr8: 'macaddr8', point: 'point',
  line: 'line', blob: 'blob', binary: 'binary', varbinary: 'varbinary', bytea: 'bytea', vector: 'vector', halfvec: 'halfvec',
  sparsevec: 'sparsevec', bit: 'bit', geometry: 'geometry', tinytext: 'tinytext', mediumtext: 'mediumtext', longtext: 'longtext',
};

/** A table of the file with what other files and the query reader need. */
export interface DrizzleTable {
  variable: string;
  table: string;
  schema?: string;
  node: Node;
  /** The table call's arguments. */
  columnsNode: Node;
  /** The third argument (the index callback), when present. */
  callback?: Node;
  fields: ModelField[];
}

/** A cheap test of a file's text before it is parsed for tables. */
export function mayDeclareDrizzleTables(text: string): boolean {
  return namesDrizzle(text) && namesTableFunction(text);
}

// Asked at every edit of a TypeScript file: a typed version is searched around the edit (`typedTextTest`).
const namesDrizzle = typedTextTest(/drizzle-orm/, 'drizzle-orm'.length);
const namesTableFunction = typedTextTest(/\b(pgTable|sqliteTable|mysqlTable|singlestoreTable|pgSchema|mysqlSchema)\b/, 'singlestoreTable'.length);

/** The Drizzle tables the file declares, as models. */
export function drizzleModels(root: Node, workspace: readonly HostModel[] = []): HostModel[] {
  const tables = drizzleTables(root);
  const byVariable = new Map(tables.map((t) => [t.variable, t]));
  // Another file's table (imported): its model, when the workspace's models are at hand.
  let imported: Set<string> | undefined; // the file's imports, walked for at most once (dokploy: 34 schema files, 200 tables)
  for (const model of workspace) {
    if (model.orm !== 'drizzle' || byVariable.has(model.className) || !model.fields || !(imported ??= importedNames(root)).has(model.className)) continue;
    byVariable.set(model.className, { variable: model.className, table: model.table, node: root, columnsNode: root, fields: model.fields });
  }
  const enums = enumNames(root);
  return tables.map((t) => modelOf(t, byVariable, enums));
}

/** The names the file imports (`import { users } from './users'`: users; `import { a as b }`: b). */
function importedNames(root: Node): Set<string> {
  const names = new Set<string>();
  for (const s of root.descendantsOfType('import_specifier')) {
    const name = (s.childForFieldName('alias') ?? s.childForFieldName('name'))?.text;
    if (name !== undefined) names.add(name);
  }
  return names;
}

/** The tables of the file (variable, name, columns), without their schema changes. */
export function drizzleTables(root: Node): DrizzleTable[] {
  const libraries = fileLibraries(root);
  const fromDrizzle = (name: string) => libraries.names.get(name)?.library === 'drizzle';
  const schemas = new Map<string, string>();
  const out: DrizzleTable[] = [];
  for (const declarator of root.descendantsOfType('variable_declarator')) {
    const name = declarator.childForFieldName('name');
    const value = declarator.childForFieldName('value');
    if (name?.type !== 'identifier' || !value) continue;
    const call = unwrap(value);
    if (call.type !== 'call_expression') continue;
    const fn = unwrap(call.childForFieldName('function')!);
    const args = argsOf(call);
    // const app = pgSchema('app')
    if (fn.type === 'identifier' && SCHEMA_FUNCTIONS.has(fn.text) && fromDrizzle(fn.text)) {
      const schema = plainString(args[0]);
      if (schema !== undefined) schemas.set(name.text, schema);
      continue;
    }
    let schema: string | undefined;
    if (fn.type === 'identifier') {
      if (!TABLE_FUNCTIONS.has(fn.text) || !fromDrizzle(fn.text)) continue;
    } else if (fn.type === 'member_expression' && fn.childForFieldName('property')?.text === 'table') {
      const object = unwrap(fn.childForFieldName('object')!);
      if (object.type === 'identifier' && schemas.has(object.text)) schema = schemas.get(object.text);
      else if (object.type === 'call_expression') {
        const inner = unwrap(object.childForFieldName('function')!);
        if (inner.type !== 'identifier' || !SCHEMA_FUNCTIONS.has(inner.text) || !fromDrizzle(inner.text)) continue;
        schema = plainString(argsOf(object)[0]);
        if (schema === undefined) continue;
      } else continue;
    } else continue;
    const table = plainString(args[0]);
    const columns = args[1] && unwrap(args[1]);
    if (table === undefined || columns?.type !== 'object') continue;
    const fields: ModelField[] = [];
    for (const pair of columns.namedChildren) {
      if (pair.type !== 'pair') continue;
      const key = propertyName(pair.childForFieldName('key'));
      const column = pair.childForFieldName('value');
      if (key === undefined || !column) continue;
      const builder = columnBuilder(column);
      if (!builder) continue;
      // Values drizzle-orm computes itself and binds: `$defaultFn` on INSERT, `$onUpdate` on UPDATE.
      const auto = builder.steps.some((st) => st.name === '$defaultFn' || st.name === '$default') ? 'generated' : builder.steps.some((st) => st.name === '$onUpdate' || st.name === '$onUpdateFn') ? 'updateDate' : undefined;
      fields.push({ name: key, column: builder.name ?? key, span: spanOf(pair), ...(builder.name === undefined ? { keyAsName: true } : {}), ...(auto ? { auto } : {}) });
    }
    out.push({
      variable: name.text, table, ...(schema !== undefined && schema !== 'public' ? { schema } : {}), node: call, columnsNode: columns,
      ...(args[2] ? { callback: args[2] } : {}), fields,
    });
  }
  return out;
}

function modelOf(t: DrizzleTable, tables: Map<string, DrizzleTable>, enums: Map<string, string>): HostModel {
  const columnOf = (key: string) => t.fields.find((f) => f.name === key)?.column;
  const columns: ColumnDef[] = [];
  const foreignKeys: ForeignKeyDef[] = [];
  const changes: SchemaChange[] = [];
  let primaryKey: string[] | undefined;
  const uniques: { name?: string; columns: string[] }[] = [];
  for (const pair of t.columnsNode.namedChildren) {
    if (pair.type !== 'pair') continue;
    const key = propertyName(pair.childForFieldName('key'));
    const builder = key !== undefined ? columnBuilder(pair.childForFieldName('value')!) : undefined;
    if (!builder || key === undefined) continue;
    const name = builder.name ?? key;
    const type = builder.type ?? enums.get(builder.function) ?? builder.function.toLowerCase();
    const def: ColumnDef = { name, type, notNull: false, primaryKey: false, unique: false, span: spanOf(pair) };
    for (const step of builder.steps) {
      if (step.name === 'notNull') def.notNull = true;
      else if (step.name === 'primaryKey') {
        def.primaryKey = true;
        def.notNull = true;
      } else if (step.name === 'unique') {
        def.unique = true;
        uniques.push({ name: plainString(step.args[0]) ?? `${t.table}_${name}_unique`, columns: [name] });
      } else if (step.name === 'references') {
        const target = referencedColumn(step.args[0], tables);
        if (target) {
          def.references = { table: target.table, column: target.column };
          foreignKeys.push({ name: `${t.table}_${name}_${target.table}_${target.column}_fk`, columns: [name], refTable: target.table, refColumns: [target.column], span: spanOf(step.call) });
        }
      } else if (step.name === 'array') def.type = `${def.type}[]`;
    }
    columns.push(def);
  }
  const indexes: SchemaChange[] = [];
  for (const entry of callbackEntries(t.callback)) {
    const read = constraintOf(entry, t, columnOf, tables);
    if (!read) continue;
    if (read.kind === 'primaryKey') primaryKey = read.columns;
    else if (read.kind === 'unique') uniques.push({ name: read.name, columns: read.columns });
    else if (read.kind === 'foreignKey') foreignKeys.push(read.fk);
    else indexes.push(read.change);
  }
  changes.push({
    kind: 'createTable', table: t.table, ...(t.schema ? { schema: t.schema } : {}), columns, ...(primaryKey ? { primaryKey } : {}),
    uniques, foreignKeys, ifNotExists: false, span: spanOf(t.node),
  });
  changes.push(...indexes);
  return { className: t.variable, table: t.table, span: spanOf(t.node), changes, relationships: [], orm: 'drizzle', fields: t.fields };
}

/** A column builder chain: `integer('org_id').notNull().references(() => orgs.id)`. */
interface ColumnBuilder {
  /** The builder function (`integer`, or a pgEnum's variable). */
  function: string;
  /** The column name written as the first argument, when it is. */
  name?: string;
  type?: string;
  steps: { name: string; args: Node[]; call: Node }[];
}

function columnBuilder(node: Node): ColumnBuilder | undefined {
  const steps: ColumnBuilder['steps'] = [];
  let n = unwrap(node);
  while (n.type === 'call_expression') {
    const fn = unwrap(n.childForFieldName('function')!);
    if (fn.type === 'identifier') {
      const args = argsOf(n);
      const name = plainString(args[0]);
      const options = args.find((a) => unwrap(a).type === 'object');
      return { function: fn.text, ...(name !== undefined ? { name } : {}), ...(typeOf(fn.text, options) ? { type: typeOf(fn.text, options)! } : {}), steps: steps.reverse() };
    }
    if (fn.type !== 'member_expression') return undefined;
    const property = fn.childForFieldName('property');
    if (!property) return undefined;
    steps.push({ name: property.text, args: argsOf(n), call: n });
    n = unwrap(fn.childForFieldName('object')!);
  }
  return undefined;
}

/** The SQL type a builder and its options give (`varchar({ length: 255 })` → varchar(255), `timestamp({ withTimezone: true })` → timestamptz). */
function typeOf(fn: string, options: Node | undefined): string | undefined {
  const base = Object.hasOwn(COLUMN_TYPES, fn) ? COLUMN_TYPES[fn] : undefined;
  if (!base) return undefined;
  const option = (key: string) => {
    const pair = options && unwrap(options).namedChildren.find((p) => p.type === 'pair' && propertyName(p.childForFieldName('key')) === key);
    return pair?.childForFieldName('value')?.text;
  };
  if (base === 'timestamp' && option('withTimezone') === 'true') return 'timestamptz';
  const size = option('length') ?? option('dimensions') ?? option('precision');
  if (size !== undefined && /^\d+$/.test(size)) {
    const scale = option('scale');
    return scale !== undefined && /^\d+$/.test(scale) && (base === 'numeric' || base === 'decimal') ? `${base}(${size}, ${scale})` : `${base}(${size})`;
  }
  return base;
}

/** `() => other.id` (or `(): AnyPgColumn => other.id`) → the table and column, when `other` is a table of this file. */
function referencedColumn(arg: Node | undefined, tables: Map<string, DrizzleTable>): { table: string; column: string } | undefined {
  const fn = arg && unwrap(arg);
  if (fn?.type !== 'arrow_function') return undefined;
  const body = fn.childForFieldName('body');
  const ref = body && unwrap(body);
  return ref ? tableColumn(ref, tables) : undefined;
}

/** `other.id` → other's table and the column of its field `id`. */
function tableColumn(ref: Node, tables: Map<string, DrizzleTable>): { table: string; column: string } | undefined {
  if (ref.type !== 'member_expression') return undefined;
  const object = unwrap(ref.childForFieldName('object')!);
  const target = object.type === 'identifier' ? tables.get(object.text) : undefined;
  const field = target?.fields.find((f) => f.name === ref.childForFieldName('property')?.text);
  return target && field ? { table: target.table, column: field.column } : undefined;
}

/** The elements the index callback returns: an array's elements, an object's values. */
function callbackEntries(callback: Node | undefined): Node[] {
  const fn = callback && unwrap(callback);
  if (fn?.type !== 'arrow_function' && fn?.type !== 'function_expression') return [];
  let body = fn.childForFieldName('body');
  if (body?.type === 'statement_block') {
    const ret = body.namedChildren.find((c) => c.type === 'return_statement');
    body = ret?.namedChildren[0] ?? null;
  }
  const value = body && unwrap(body);
  if (value?.type === 'array') return value.namedChildren.filter((c) => c.type !== 'comment');
  if (value?.type === 'object') return value.namedChildren.filter((c) => c.type === 'pair').map((p) => p.childForFieldName('value')!).filter(Boolean);
  return [];
}

type Constraint =
  | { kind: 'primaryKey'; columns: string[] }
  | { kind: 'unique'; name: string; columns: string[] }
  | { kind: 'foreignKey'; fk: ForeignKeyDef }
  | { kind: 'index'; change: SchemaChange };

/** One entry of the index callback: `index('n').on(t.a, t.b)`, `uniqueIndex().using('gin', t.a).where(...)`, `primaryKey({ columns: [...] })`, ... */
function constraintOf(entry: Node, t: DrizzleTable, columnOf: (key: string) => string | undefined, tables: Map<string, DrizzleTable>): Constraint | undefined {
  const chain: { name: string; args: Node[]; call: Node }[] = [];
  let n = unwrap(entry);
  let start: { name: string; args: Node[]; call: Node } | undefined;
  while (n.type === 'call_expression') {
    const fn = unwrap(n.childForFieldName('function')!);
    if (fn.type === 'identifier') {
      start = { name: fn.text, args: argsOf(n), call: n };
      break;
    }
    if (fn.type !== 'member_expression') return undefined;
    chain.unshift({ name: fn.childForFieldName('property')?.text ?? '', args: argsOf(n), call: n });
    n = unwrap(fn.childForFieldName('object')!);
  }
  if (!start) return undefined;
  const keysOf = (args: Node[]): IndexKey[] | undefined => {
    const keys: IndexKey[] = [];
    for (const a of args) {
      const key = indexKey(a, columnOf);
      if (!key) return undefined;
      keys.push(key);
    }
    return keys.length ? keys : undefined;
  };
  const objectArg = (key: string) => {
    const options = start.args[0] && unwrap(start.args[0]);
    if (options?.type !== 'object') return undefined;
    return options.namedChildren.find((p) => p.type === 'pair' && propertyName(p.childForFieldName('key')) === key)?.childForFieldName('value') ?? undefined;
  };
  const listArg = (key: string) => {
    const list = objectArg(key);
    return list && unwrap(list).type === 'array' ? unwrap(list).namedChildren.filter((c) => c.type !== 'comment') : undefined;
  };
  const plainColumns = (keys: IndexKey[] | undefined) => (keys && keys.every((k) => k.column !== undefined) ? keys.map((k) => k.column!) : undefined);
  switch (start.name) {
    case 'primaryKey': {
      const columns = plainColumns(keysOf(listArg('columns') ?? start.args));
      return columns ? { kind: 'primaryKey', columns } : undefined;
    }
    case 'unique': {
      const on = chain.find((s) => s.name === 'on');
      const columns = on && plainColumns(keysOf(on.args));
      return columns ? { kind: 'unique', name: plainString(start.args[0]) ?? `${t.table}_${columns.join('_')}_unique`, columns } : undefined;
    }
    case 'foreignKey': {
      const columns = plainColumns(keysOf(listArg('columns') ?? []));
      const refs = (listArg('foreignColumns') ?? []).map((r) => tableColumn(unwrap(r), tables));
      if (!columns || refs.length !== columns.length || refs.some((r) => !r) || new Set(refs.map((r) => r!.table)).size !== 1) return undefined;
      const name = plainString(objectArg('name')) ?? `${t.table}_${columns.join('_')}_${refs[0]!.table}_${refs.map((r) => r!.column).join('_')}_fk`;
      return { kind: 'foreignKey', fk: { name, columns, refTable: refs[0]!.table, refColumns: refs.map((r) => r!.column), span: spanOf(entry) } };
    }
    case 'index':
    case 'uniqueIndex': {
      let keys: IndexKey[] | undefined;
      let method = 'btree';
      let partial = false;
      let concurrently = false;
      for (const step of chain) {
        if (step.name === 'on' || step.name === 'onOnly') keys = keysOf(step.args);
        else if (step.name === 'using') {
          method = (plainString(step.args[0]) ?? 'btree').toLowerCase();
          keys = keysOf(step.args.slice(1));
        } else if (step.name === 'where') partial = true; // its condition is TypeScript (`sql\`...\``), not the SQL the catalog compares else if (step.name === 'concurrently') concurrently = true;
        else if (step.name !== 'with' && step.name !== 'nullsNotDistinct') return undefined;
      }
      if (!keys) return undefined;
      const name = plainString(start.args[0]) ?? `${t.table}_${keys.map((k) => k.column ?? 'expr').join('_')}_index`;
      return {
        kind: 'index',
        change: {
          kind: 'createIndex', name, table: t.table, keys, unique: start.name === 'uniqueIndex', partial,
          method, concurrently, ifNotExists: false, span: spanOf(entry), keywordSpan: spanOf(start.call),
        },
      };
    }
    default:
      return undefined;
  }
}

/** `t.a`, `t.a.desc()`, `t.a.op('gin_trgm_ops')`, `table.a.asc().nullsFirst()` → the key; an `sql` expression → an expression key. */
function indexKey(arg: Node, columnOf: (key: string) => string | undefined): IndexKey | undefined {
  let n = unwrap(arg);
  const modifiers: { name: string; args: Node[] }[] = [];
  while (n.type === 'call_expression') {
    const fn = unwrap(n.childForFieldName('function')!);
    if (fn.type !== 'member_expression') break;
    modifiers.push({ name: fn.childForFieldName('property')?.text ?? '', args: argsOf(n) });
    n = unwrap(fn.childForFieldName('object')!);
  }
  if (n.type === 'member_expression') {
    const column = columnOf(n.childForFieldName('property')?.text ?? '');
    if (!column) return undefined;
    const key: IndexKey = { column };
    for (const m of modifiers) {
      if (m.name === 'desc') key.desc = true;
      else if (m.name === 'op') {
        const op = plainString(m.args[0]);
        if (op) key.opclass = op;
      } else if (!['asc', 'nullsFirst', 'nullsLast'].includes(m.name)) return undefined;
    }
    return key;
  }
  if (n.type === 'call_expression' && modifiers.length === 0 || n.type === 'template_string') return { expression: arg.text };
  return undefined;
}

/** `const status = pgEnum('task_status', [...])` → status → task_status. */
function enumNames(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const declarator of root.descendantsOfType('variable_declarator')) {
    const value = declarator.childForFieldName('value');
    const call = value && unwrap(value);
    if (call?.type !== 'call_expression') continue;
    const fn = unwrap(call.childForFieldName('function')!);
    const name = fn.type === 'identifier' && (fn.text === 'pgEnum' || fn.text === 'mysqlEnum') ? plainString(argsOf(call)[0]) : undefined;
    const variable = declarator.childForFieldName('name');
    if (name !== undefined && variable?.type === 'identifier') out.set(variable.text, name);
  }
  return out;
}

/** A property key: `name`, `'name'`. */
function propertyName(key: Node | null): string | undefined {
  if (!key) return undefined;
  if (key.type === 'property_identifier') return key.text;
  return plainString(key);
}

