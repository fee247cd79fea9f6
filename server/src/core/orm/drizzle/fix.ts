/**
 * The missing-index fix in Drizzle's terms: `index('name').on(t.a, t.b)` added
 * to the table's index callback, or the callback created after the columns
 * (`(t) => [index(...).on(...)]`) when the table has none; `index` imported
 * from the module the table function comes from when the file does not yet.
 * The columns are written as the table's field keys (`t.plannerId`), a
 * descending key as `t.a.desc()`, an operator class as `t.a.op('gin_trgm_ops')`,
 * another method as `.using('gin', ...)`.
 */
import type { IndexDefinition } from '../../../../../shared/types';
import type { BatchSite, BuiltStatement, ExtraEdit } from '../../host/adapter';
import type { HostQuery, LoopContext } from '../../host/types';
import { addProperty, callOf, callOverAll, loneWriteLoop, mappedValues, nodeAt, type OrmSpanEdit } from '../../host/typescript/loop-write';
import type { Predicate, Span } from '../../sql/model';
import { fixTree, hostGrammarOf, type SyntaxNode } from '../../host/treesitter';
import { argsOf, oneLine, plainString, unwrap } from '../../host/typescript/syntax';
import type { MigrationSet } from '../../catalog/types';
import type { CoreFix } from '../../rules/types';
import type { Dialect } from '../../../../../shared/types';
import { planDrizzleMigrations } from './migrations';
import { drizzleTables, type DrizzleTable } from './schema';
import { toCamelCase, toSnakeCase } from './casing';

type Node = SyntaxNode;

/**
 * The edits that declare `index` on the Drizzle table `index.table` of
 * `text` (the one whose table call starts at `origin`, when given).
 */
export function drizzleIndexEdits(file: string, text: string, index: IndexDefinition, origin?: number): { className: string; edits: ExtraEdit[] } | undefined {
  const root = fixTree(hostGrammarOf(file) ?? 'typescript', text);
  if (!root) return undefined;
  const bare = index.table.split('.').pop()!;
  const table = tablesOf(root).find((t) => (origin === undefined || t.node.startIndex === origin) && t.table === bare);
  if (!table) return undefined;
  const importAs = indexImport(root, table);
  if (!importAs) return undefined;
  const callback = table.callback && unwrap(table.callback);
  if (callback && callback.type !== 'arrow_function' && callback.type !== 'function_expression') return undefined;
  const param = callback ? paramName(callback) : 't';
  if (!param) return undefined;
  const keys: string[] = [];
  for (const key of index.keys) {
    // A column its key names may be the key under the project's casing (casing.ts): `createdAt` for created_at.
    const field = table.fields.find((f) => f.column === key.column) ?? table.fields.find((f) => f.keyAsName && (toSnakeCase(f.name) === key.column || toCamelCase(f.name) === key.column));
    if (!field || !/^[A-Za-z_$][\w$]*$/.test(field.name)) return undefined;
    keys.push(`${param}.${field.name}${key.opclass ? `.op(${quote(key.opclass)})` : ''}${key.desc ? '.desc()' : ''}`);
  }
  const method = index.method && index.method !== 'btree' ? index.method : undefined;
  const call = `${importAs.name}(${quote(index.name)})${method ? `.using(${quote(method)}, ${keys.join(', ')})` : `.on(${keys.join(', ')})`}`;
  const edits: ExtraEdit[] = [];
  if (importAs.edit) edits.push(importAs.edit);
  if (!callback) {
    // After the columns object: `}, (t) => [index(...).on(...)])`
    edits.push({ span: { start: table.columnsNode.endIndex, end: table.columnsNode.endIndex }, newText: `, (t) => [${call}]` });
    return { className: table.variable, edits };
  }
  const body = returned(callback);
  if (body?.type === 'array') edits.push(appendTo(text, body, call));
  else if (body?.type === 'object') edits.push(appendTo(text, body, `${propertyKey(index.name, body)}: ${call}`));
  else return undefined;
  return { className: table.variable, edits };
}

/** The tables of a schema file's tree (`fixTree`'s, which many index fixes read): found once per tree. */
const tablesByRoot = new WeakMap<Node, DrizzleTable[]>();

function tablesOf(root: Node): DrizzleTable[] {
  let tables = tablesByRoot.get(root);
  if (!tables) tablesByRoot.set(root, (tables = drizzleTables(root)));
  return tables;
}

/** The value the callback returns: its expression body, or the one `return` of its block. */
function returned(fn: Node): Node | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  if (body.type !== 'statement_block') return unwrap(body);
  const statements = body.namedChildren.filter((c) => c.type !== 'comment');
  const ret = statements[statements.length - 1];
  return ret?.type === 'return_statement' && ret.namedChildren[0] ? unwrap(ret.namedChildren[0]) : undefined;
}

/** An element added at the end of an array or object literal, in its layout (one per line, or inline). */
export function appendTo(text: string, literal: Node, element: string): ExtraEdit {
  const items = literal.namedChildren.filter((c) => c.type !== 'comment');
  const close = literal.endIndex - 1;
  const last = items[items.length - 1];
  if (!last) return { span: { start: literal.startIndex + 1, end: close }, newText: element };
  const between = text.slice(last.endIndex, close);
  const trailingComma = /^\s*,/.test(between);
  const lineOf = (at: number) => text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
  if (text.slice(literal.startIndex, last.endIndex).includes('\n')) {
    const indent = /^\s*/.exec(lineOf(last.startIndex))![0];
    const at = trailingComma ? last.endIndex + between.indexOf(',') + 1 : last.endIndex;
    return { span: { start: at, end: at }, newText: `${trailingComma ? '' : ','}\n${indent}${element}${trailingComma ? ',' : ''}` };
  }
  const at = trailingComma ? last.endIndex + between.indexOf(',') + 1 : last.endIndex;
  return { span: { start: at, end: at }, newText: `${trailingComma ? ' ' : ', '}${element}` };
}

/** The callback's first parameter (`t` of `(t) => ...`, `table` of `table => ...`). */
function paramName(fn: Node): string | undefined {
  const single = fn.childForFieldName('parameter');
  if (single?.type === 'identifier') return single.text;
  const first = fn.childForFieldName('parameters')?.namedChildren[0];
  const pattern = first?.childForFieldName('pattern') ?? first;
  return pattern?.type === 'identifier' ? pattern.text : undefined;
}

/** A key for the older object callback: the index name in camel case, not taken. */
function propertyKey(name: string, object: Node): string {
  const base = name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^[0-9]/, '_$&') || 'index';
  const taken = new Set(object.namedChildren.map((p) => p.childForFieldName('key')?.text));
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}${n}`;
  return key;
}

/**
 * How the file names drizzle's `index`: already imported (maybe renamed), or a
 * new specifier in the import of the table function (`pgTable`); a namespace
 * import (`import * as p`) gives `p.index`. Undefined when `index` is another thing here.
 */
function indexImport(root: Node, table: DrizzleTable): { name: string; edit?: ExtraEdit } | undefined {
  const fn = unwrap(table.node.childForFieldName('function')!);
  const tableFn = fn.type === 'identifier' ? fn.text : undefined;
  let home: Node | undefined;
  for (const statement of root.descendantsOfType('import_statement')) {
    const source = plainString(statement.childForFieldName('source'));
    if (!source?.startsWith('drizzle-orm/')) continue;
    for (const spec of statement.descendantsOfType('import_specifier')) {
      const name = spec.childForFieldName('name')?.text;
      const local = spec.childForFieldName('alias')?.text ?? name;
      if (name === 'index' && source.endsWith('-core')) return { name: local! };
      if (local === tableFn) home = statement;
    }
    const namespace = statement.descendantsOfType('namespace_import')[0]?.namedChildren.find((c) => c.type === 'identifier');
    if (namespace && fn.type === 'member_expression' && fn.text.startsWith(`${namespace.text}.`)) return { name: `${namespace.text}.index` };
  }
  // A local `index` (a loop counter at the top level, another import) would shadow it.
  const clash = root.descendantsOfType(['variable_declarator', 'import_specifier', 'function_declaration']).some((n) => (n.childForFieldName('alias') ?? n.childForFieldName('name'))?.text === 'index');
  const named = home?.descendantsOfType('named_imports')[0];
  if (!named || clash) return undefined;
  const specs = named.namedChildren.filter((c) => c.type === 'import_specifier');
  const last = specs[specs.length - 1]!;
  return { name: 'index', edit: { span: { start: last.endIndex, end: last.endIndex }, newText: ', index' } };
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The fix where drizzle-kit migrates the table: the index on the table's
 * Drizzle definition and the migration drizzle-kit would generate for it (its
 * SQL file, journal entry and snapshot). Both or nothing: a migration without
 * the schema's index, or the other way round, is what the next
 * `drizzle-kit generate` would undo or write again.
 */
export function drizzleMigrationFix(set: MigrationSet, index: IndexDefinition, dialect: Dialect, now: Date, schema: { file: string; text: string } | undefined): Omit<CoreFix, 'title'> | undefined {
  const model = schema && drizzleIndexEdits(schema.file, schema.text, index);
  const [plan] = model ? (planDrizzleMigrations(set, [{ kind: 'createIndex', index }], dialect, now) ?? []) : [];
  if (!plan || !model || !schema) return undefined;
  return {
    changes: [
      ...plan.files.map((f) => ({ kind: 'create' as const, file: f.file, content: f.content })),
      ...plan.edits.map((e) => ({ kind: 'edit' as const, file: e.file, edits: e.edits })),
      { kind: 'edit', file: schema.file, edits: model.edits },
    ],
    open: plan.open,
  };
}

/**
 * n-plus-one: a Drizzle query run per row with `eq(t.col, row.x)` becomes one
 * query over the collected keys, `inArray(t.col, keys)`, placed before the loop
 * (`inArray` imported from drizzle-orm when the file does not yet). Not for a
 * query of one row (`.limit(1)`, `findFirst`): over many keys it would still return one;
 * nor for one with a limit, an offset or an aggregate, which it applies to each key's rows.
 */
export function drizzleBatchQuery(text: string, query: HostQuery, key: Predicate, site: BatchSite): BuiltStatement | undefined {
  // Each key's first rows (a limit or offset) or its aggregate: over all keys they would bound or add up the whole result.
  if (query.terminal !== 'all' || query.model?.limit || query.model?.offset || query.model?.isAggregate) return undefined;
  const written = text.slice(key.span.start, key.span.end);
  const call = /^(\w+)\s*\(/.exec(written);
  const drizzleImport = /import\s*\{([^}]*)\}\s*from\s*['"]drizzle-orm['"]/.exec(text);
  if (call?.[1] !== 'eq' || !drizzleImport || !/\beq\b/.test(drizzleImport[1]!) || key.column.span.start < key.span.start || key.column.span.end > key.span.end) return undefined;
  const column = text.slice(key.column.span.start, key.column.span.end);
  const before = text.slice(query.span.start, key.span.start);
  const after = text.slice(key.span.end, query.span.end);
  const statement = oneLine(`${before}inArray(${column}, ${site.keys})${after}`.replace(/\s*\n\s*\./g, '.')); // a chain over lines, on one
  const out: BuiltStatement = { statement: `const ${site.rows} = ${statement.startsWith('await ') ? '' : 'await '}${statement};` };
  if (!/\binArray\b/.test(drizzleImport[1]!)) {
    const end = drizzleImport.index + drizzleImport[0].indexOf('}');
    const inner = drizzleImport[1]!;
    const trailing = /,\s*$/.test(inner);
    const at = drizzleImport.index + drizzleImport[0].indexOf('{') + 1 + inner.replace(/[\s,]*$/, '').length;
    out.importEdit = trailing ? { span: { start: end, end }, newText: `${/\n/.test(inner) ? '  ' : ' '}inArray,${/\n/.test(inner) ? '\n' : ' '}` } : { span: { start: at, end: at }, newText: ', inArray' };
  }
  return out;
}

/** Steps after `.values(...)` that mean the same over many rows (not `onConflictDoUpdate`: one statement cannot update a row twice, as items sharing a key would). */
const INSERT_STEPS = new Set(['onConflictDoNothing', 'onDuplicateKeyUpdate', 'returning', 'execute']);

/**
 * commit-in-loop: a loop whose body is one `db.insert(t).values({...})` of the
 * item and nothing else becomes one INSERT of all items,
 * `db.insert(t).values(items.map((item) => ({ ... })))`, under
 * `if (items.length > 0)`: drizzle-orm's `values([])` throws ("values() must
 * be called with at least one value").
 */
export function drizzleInsertAllEdit(text: string, file: string, query: { span: Span }, loop: LoopContext): OrmSpanEdit | undefined {
  const lone = loneWriteLoop(text, file, query, loop);
  if (!lone) return undefined;
  // Down the chain from its last call to `.values(...)`, through the steps allowed after it.
  let call: SyntaxNode | undefined = lone.call;
  let name: string | undefined;
  for (;;) {
    const fn: SyntaxNode | null | undefined = call?.childForFieldName('function');
    name = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
    if (!call || !fn || name === 'values' || !name || !INSERT_STEPS.has(name)) break;
    const object: SyntaxNode | null = fn.childForFieldName('object');
    call = object?.type === 'call_expression' ? object : undefined;
  }
  const start = call?.childForFieldName('function')?.childForFieldName('object');
  const insert = start?.type === 'call_expression' ? start.childForFieldName('function') : undefined;
  if (!call || name !== 'values' || insert?.type !== 'member_expression' || insert.childForFieldName('property')?.text !== 'insert') return undefined;
  const args = argsOf(call);
  const value = args[0];
  if (args.length !== 1 || !value || value.type === 'spread_element' || unwrap(value).type === 'array') return undefined;
  const values = mappedValues(text, value, lone);
  if (!values) return undefined;
  return {
    title: `Insert all of ${lone.iterable} with one INSERT`,
    span: { ...loop.span },
    newText: `// QueryLens commit-in-loop: one INSERT for all of ${lone.iterable} (values() takes no empty list).\n${lone.indent}if (${lone.iterable}.length > 0) ${callOverAll(text, lone, value, values)}`,
  };
}

/** commit-in-loop's advice for an INSERT per item, in Drizzle's terms. */
export const DRIZZLE_INSERT_ADVICE = 'Insert all rows in one statement: db.insert(table).values(items.map(...)), when items is not empty (values() throws on an empty list).';

/**
 * unpaginated-query on the relational API: `limit: n` in the config of
 * `db.query.t.findMany({...})` (`findMany()` → `findMany({ limit: 100 })`). Undefined
 * for other calls (a `select()` chain takes `.limit(n)` before its end) and a config
 * that is not an object literal of the call's own, or spreads one.
 */
export function drizzleFindManyLimitEdit(text: string, file: string, query: { span: Span }, limit: number): OrmSpanEdit | undefined {
  const node = nodeAt(text, file, query.span);
  const call = node && callOf(node);
  const fn = call?.childForFieldName('function');
  const owner = fn?.type === 'member_expression' ? fn.childForFieldName('object') : undefined;
  const args = call ? argsOf(call) : [];
  if (!call || fn?.childForFieldName('property')?.text !== 'findMany' || owner?.type !== 'member_expression' || !/\.query$/.test(owner.childForFieldName('object')?.text ?? '') || args.length > 1) return undefined;
  const title = `Add limit: ${limit} to the findMany config`;
  const config = args[0] && unwrap(args[0]);
  if (!config) {
    const at = call.childForFieldName('arguments')!.startIndex + 1;
    return { title, span: { start: at, end: at }, newText: `{ limit: ${limit} }` };
  }
  const edit = config.type === 'object' ? addProperty(text, config, `limit: ${limit}`) : undefined;
  return edit && { title, ...edit };
}
