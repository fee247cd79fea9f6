/**
 * knex and Kysely migration files → the schema changes of their `up`, in
 * order, as the SQL and Alembic readers give them (SchemaChange[]), read from
 * the tree-sitter syntax tree (typescript, tsx or javascript grammar by the
 * file's extension).
 *
 * knex (`exports.up = function (knex) {...}`, `export async function up(knex: Knex)`,
 * `module.exports = { up, down }`): `knex.schema.createTable('t', (table) => {...})`,
 * `alterTable`/`table`, `dropTable(IfExists)`, `renameTable`, `withSchema`,
 * `knex.raw(...)` / `knex.schema.raw(...)` through the SQL core. Columns get
 * the types knex's PostgreSQL column compiler writes (`increments` → `serial`
 * primary key, `string` → `varchar(255)`, `timestamp` → `timestamptz`, ...),
 * constraints and indexes the names knex gives them (`<table>_<columns>_index`,
 * `_unique`, `_foreign`, `<table>_pkey`). `exports.config = { transaction: false }`
 * is kept: knex then runs the file outside its migration transaction.
 *
 * Kysely (`export async function up(db: Kysely<any>)`): `db.schema.createTable('t')
 * .addColumn('id', 'serial', (col) => col.primaryKey())...`, `createIndex('i').on('t')
 * .columns([...])`, `alterTable`, `dropTable`, `dropIndex`, and `` sql`...`.execute(db) ``.
 * Data types are written as given (Kysely sends them as they are).
 *
 * Only the `up` function is read (what `migrate:latest` / `migrateToLatest` run),
 * with the functions of the same file it calls and hands its `knex` / `db` to
 * (`await createUsers(knex)`), their schema calls in the order of the calls.
 *
 * A knexfile (`readKnexfile`) tells where knex keeps its migrations and their
 * table: `migrations: { directory, tableName, schemaName }` in any environment.
 */
import * as path from 'node:path';
import type { Dialect } from '../../../../../shared/types';
import { parseDocument } from '../../sql/parse';
import type { ColumnDef, ForeignKeyDef, IndexKey, SchemaChange, Span } from '../../sql/model';
import { spansToFile } from '../offsets';
import { hostGrammarOf, hostParser, type SyntaxNode } from '../treesitter';
import { mayAccessDatabase } from './data-access';
import { constValue } from './extract';
import { fileLibraries } from './libraries';
import { memberValue } from './sources';
import type { EmbeddedSql } from '../types';

export type ScriptMigrationTool = 'knex' | 'kysely' | 'typeorm';

/** How a migration file is written: what a new migration in its folder should look like. */
export interface ScriptStyle {
  /** `export function up` (ES modules) or `exports.up = ...` (CommonJS). */
  module: 'esm' | 'cjs';
  /** The file's extension with its dot (`.ts`, `.js`, `.mjs` ...). */
  extension: string;
}

export interface ScriptMigration extends ScriptStyle {
  /** Undefined: a module exporting `up` with no sign of either tool (`exports.up = () => {}`): it joins its folder's set, if any. */
  tool: ScriptMigrationTool | undefined;
  /** The schema changes of `up`, in order (spans in the file). */
  changes: SchemaChange[];
  /** knex: false when the file exports `config = { transaction: false }` (it runs outside a transaction); TypeORM: the class's `transaction = false`. */
  transaction: boolean;
  /** TypeORM: the migration class's name (or its `name` property), which TypeORM orders by (its last 13 digits) and records. */
  name?: string;
}

type Node = SyntaxNode;

/** Reads a knex or Kysely migration; undefined when the file is neither (no `up`, or no sign of either tool). */
export function readScriptMigration(file: string, text: string, dialect: Dialect = 'postgres'): ScriptMigration | undefined {
  const grammar = hostGrammarOf(file);
  if (grammar !== 'typescript' && grammar !== 'tsx' && grammar !== 'javascript') return undefined;
  if (!/\bup\b/.test(text)) return undefined;
  // Read when the workspace's migrations are listed; its queries are extracted later (the same text again) when it may send some.
  const root = hostParser(grammar).parse(text, { again: mayAccessDatabase(file, text) })?.rootNode as unknown as Node | undefined;
  if (!root) return undefined;
  const exported = exportsOf(root);
  const up = exported.functions.get('up');
  if (!up) return typeOrmMigration(root, file, dialect, exported.esm);
  const param = firstParam(up);
  const tool = toolOf(root, up, param);
  const body = up.childForFieldName('body');
  const reader = new ChangeReader(dialect, param?.name ?? '', fileFunctions(root), [up.id]);
  if (body && param && tool) (tool === 'knex' ? reader.knex(body) : reader.kysely(body));
  const extension = /\.[^./\\]+$/.exec(file)![0].toLowerCase();
  return { tool, module: exported.esm ? 'esm' : 'cjs', extension, changes: reader.changes, transaction: exported.transaction };
}

/**
 * A TypeORM migration: a class with an `up(queryRunner)` method (`implements
 * MigrationInterface`, as `typeorm migration:create/generate` write it) whose
 * name ends in a 13-digit timestamp (TypeORM's order), or that says its `name`.
 */
function typeOrmMigration(root: Node, file: string, dialect: Dialect, esm: boolean): ScriptMigration | undefined {
  for (const cls of root.descendantsOfType(['class_declaration', 'class'])) {
    const body = cls.childForFieldName('body');
    const up = body?.namedChildren.find((m) => m.type === 'method_definition' && m.childForFieldName('name')?.text === 'up');
    if (!body || !up) continue;
    const implementsInterface = /\bMigrationInterface\b/.test(cls.namedChildren.find((c) => c.type === 'class_heritage')?.text ?? '');
    let name = cls.childForFieldName('name')?.text;
    let transaction = true;
    for (const member of body.namedChildren) {
      if (member.type !== 'public_field_definition') continue;
      const key = member.childForFieldName('name')?.text;
      const value = member.childForFieldName('value');
      if (key === 'name' && value && stringValue(value) !== undefined) name = stringValue(value);
      if (key === 'transaction' && value?.type === 'false') transaction = false;
    }
    if (!name || (!implementsInterface && !/\d{13}$/.test(name))) continue;
    const param = firstParam(up);
    const reader = new ChangeReader(dialect, param?.name ?? '');
    const fnBody = up.childForFieldName('body');
    if (fnBody && param) reader.typeorm(fnBody);
    const extension = /\.[^./\\]+$/.exec(file)![0].toLowerCase();
    return { tool: 'typeorm', module: esm ? 'esm' : 'cjs', extension, changes: reader.changes, transaction, name };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The module: its exported functions and config.

interface Exports {
  functions: Map<string, Node>;
  esm: boolean;
  transaction: boolean;
}

const FUNCTIONS = new Set(['function_declaration', 'function_expression', 'function', 'arrow_function', 'generator_function_declaration', 'method_definition']);

/** A module's top-level declarations, exported or not: its function declarations, and its variables' initialisers (unwrapped), by name. */
function topLevel(root: Node): { declared: Map<string, Node>; values: Map<string, Node> } {
  const declared = new Map<string, Node>();
  const values = new Map<string, Node>();
  const remember = (decl: Node) => {
    if (decl.type === 'function_declaration') {
      const name = decl.childForFieldName('name')?.text;
      if (name) declared.set(name, decl);
    } else if (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration') {
      for (const v of decl.namedChildren) {
        const name = v.type === 'variable_declarator' ? v.childForFieldName('name') : null;
        const value = v.childForFieldName('value');
        if (name?.type === 'identifier' && value) values.set(name.text, unwrap(value));
      }
    }
  };
  for (const stmt of root.namedChildren) {
    remember(stmt);
    const decl = stmt.type === 'export_statement' ? stmt.childForFieldName('declaration') : null;
    if (decl) remember(decl);
  }
  return { declared, values };
}

function exportsOf(root: Node): Exports {
  const { declared, values } = topLevel(root);
  const fn = (node: Node | null | undefined): Node | undefined => {
    if (!node) return undefined;
    const n = unwrap(node);
    if (FUNCTIONS.has(n.type)) return n;
    if (n.type === 'identifier' || n.type === 'shorthand_property_identifier') return declared.get(n.text) ?? (values.has(n.text) && FUNCTIONS.has(values.get(n.text)!.type) ? values.get(n.text) : undefined);
    return undefined;
  };
  const out: Exports = { functions: new Map(), esm: false, transaction: true };
  const config = (node: Node | null | undefined) => {
    let n = node ? unwrap(node) : undefined;
    if (n?.type === 'identifier') n = values.get(n.text);
    if (n?.type !== 'object') return;
    const transaction = propertiesOf(n).get('transaction');
    if (transaction?.type === 'false') out.transaction = false;
  };
  /** `{ up, down }`, `{ up(knex) {...} }`, `{ up: async (knex) => ... }`, `{ config: {...} }`. */
  const fromObject = (object: Node) => {
    for (const [name, value] of propertiesOf(object)) {
      if (name === 'config') config(value);
      else {
        const f = fn(value);
        if (f) out.functions.set(name, f);
      }
    }
  };
  for (const stmt of root.namedChildren) {
    if (stmt.type === 'import_statement') out.esm = true;
    if (stmt.type === 'export_statement') {
      out.esm = true;
      const decl = stmt.childForFieldName('declaration');
      if (decl?.type === 'function_declaration') {
        const name = decl.childForFieldName('name')?.text;
        if (name) out.functions.set(name, decl);
      } else if (decl) {
        for (const v of decl.namedChildren) {
          const name = v.childForFieldName('name')?.text;
          const value = v.childForFieldName('value');
          if (name === 'config') config(value);
          else if (name && fn(value)) out.functions.set(name, fn(value)!);
        }
      }
      const value = stmt.childForFieldName('value'); // export default { up, down }
      if (value && unwrap(value).type === 'object') fromObject(unwrap(value));
      for (const clause of stmt.namedChildren.filter((c) => c.type === 'export_clause')) {
        for (const spec of clause.namedChildren) {
          const local = spec.childForFieldName('name')?.text;
          const alias = spec.childForFieldName('alias')?.text ?? local;
          if (!local || !alias) continue;
          if (alias === 'config') config(values.get(local));
          else if (declared.get(local) ?? values.get(local)) {
            const f = fn(declared.get(local) ?? values.get(local));
            if (f) out.functions.set(alias, f);
          }
        }
      }
      continue;
    }
    // exports.up = ..., module.exports.up = ..., module.exports = {...}
    const assignment = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    if (assignment?.type !== 'assignment_expression') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (!left || !right) continue;
    const target = left.text.replace(/\s+/g, '');
    const member = /^(?:module\.)?exports\.(\w+)$/.exec(target);
    if (member) {
      if (member[1] === 'config') config(right);
      else if (fn(right)) out.functions.set(member[1], fn(right)!);
    } else if (target === 'module.exports' && unwrap(right).type === 'object') fromObject(unwrap(right));
  }
  return out;
}

/** An object literal's properties by key: `{ a: x }`, `{ a }`, `{ a() {} }`. */
function propertiesOf(object: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const p of object.namedChildren) {
    if (p.type === 'pair') {
      const key = p.childForFieldName('key');
      const value = p.childForFieldName('value');
      const name = key ? (stringValue(key) ?? key.text) : undefined;
      if (name && value) out.set(name, value);
    } else if (p.type === 'shorthand_property_identifier') out.set(p.text, p);
    else if (p.type === 'method_definition') {
      const name = p.childForFieldName('name')?.text;
      if (name) out.set(name, p);
    }
  }
  return out;
}

/** The file's top-level functions by name: `function f(..) {..}`, `const f = async (..) => {..}` (exported or not). */
function fileFunctions(root: Node): Map<string, Node> {
  const { declared, values } = topLevel(root);
  const out = new Map(declared);
  for (const [name, value] of values) if (FUNCTIONS.has(value.type) && !out.has(name)) out.set(name, value);
  return out;
}

/** The name of a function's parameter at `index`, when it is a plain name. */
function paramName(fn: Node, index: number): string | undefined {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!params) return undefined;
  if (params.type === 'identifier') return index === 0 ? params.text : undefined;
  const param = params.namedChildren.filter((p) => p.type !== 'comment')[index];
  if (param?.type === 'identifier') return param.text;
  const pattern = param?.childForFieldName('pattern');
  return pattern?.type === 'identifier' ? pattern.text : undefined;
}

/** The first parameter of a function: its name and its type annotation's text. */
function firstParam(fn: Node): { name: string; type?: string } | undefined {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!params) return undefined;
  if (params.type === 'identifier') return { name: params.text }; // `knex => ...`
  const first = params.namedChildren.find((p) => p.type !== 'comment');
  if (!first) return undefined;
  if (first.type === 'identifier') return { name: first.text };
  const pattern = first.childForFieldName('pattern');
  if (pattern?.type !== 'identifier') return undefined;
  const type = first.childForFieldName('type')?.namedChildren[0]?.text;
  return { name: pattern.text, ...(type ? { type } : {}) };
}

/**
 * knex or Kysely: what the file imports (`from 'knex'`, `require('kysely')`),
 * else the parameter's type (`Knex`, `Kysely<any>`), else how its schema
 * builder is called (`createTable('t', (table) => ...)` is knex's,
 * `createTable('t').addColumn(...)` Kysely's).
 */
function toolOf(root: Node, up: Node, param: { name: string; type?: string } | undefined): ScriptMigrationTool | undefined {
  const sources = new Set<string>();
  for (const n of root.descendantsOfType(['import_statement', 'call_expression'])) {
    if (n.type === 'import_statement') {
      const source = stringValue(n.childForFieldName('source'));
      if (source) sources.add(source);
    } else if (n.childForFieldName('function')?.text === 'require') {
      const arg = argsOf(n)[0];
      const source = arg ? stringValue(arg) : undefined;
      if (source) sources.add(source);
    }
  }
  const kysely = sources.has('kysely');
  const knex = sources.has('knex');
  if (kysely !== knex) return kysely ? 'kysely' : 'knex';
  if (param?.type && /^Kysely\b/.test(param.type)) return 'kysely';
  if (param?.type && /^Knex\b/.test(param.type)) return 'knex';
  if (!param) return undefined;
  for (const call of up.descendantsOfType('call_expression')) {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'member_expression' || !/^(createTable|alterTable|table)$/.test(fn.childForFieldName('property')?.text ?? '')) continue;
    if (!/\.schema\b/.test(fn.childForFieldName('object')?.text ?? '')) continue;
    const args = argsOf(call);
    if (args.length >= 2 && FUNCTIONS.has(unwrap(args[1]!).type)) return 'knex';
    if (args.length === 1) return 'kysely';
  }
  if (param.name === 'knex') return 'knex';
  return undefined;
}

/** `new TableIndex({...})` or a plain `{...}`: its properties. */
function typeOrmObject(node: Node, constructor: string): Map<string, Node> | undefined {
  let n = unwrap(node);
  if (n.type === 'new_expression') {
    if (n.childForFieldName('constructor')?.text !== constructor) return undefined;
    const first = n.childForFieldName('arguments')?.namedChildren[0];
    if (!first) return undefined;
    n = unwrap(first);
  }
  return n.type === 'object' ? propertiesOf(n) : undefined;
}

function typeOrmIndex(table: string, index: Map<string, Node>, span: Span): SchemaChange | undefined {
  const columns = index.get('columnNames') ? stringList(index.get('columnNames')) : [];
  if (columns.length === 0) return undefined;
  const where = stringValue(index.get('where'));
  const name = stringValue(index.get('name'));
  return {
    kind: 'createIndex', ...(name !== undefined ? { name } : {}), table, keys: columns.map((column) => ({ column })), unique: index.get('isUnique')?.type === 'true',
    partial: where !== undefined, ...(where !== undefined ? { where } : {}), method: index.get('isSpatial')?.type === 'true' ? 'gist' : 'btree',
    concurrently: false, ifNotExists: false, span, keywordSpan: span,
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers over the JavaScript syntax tree.

function spanOf(node: Node): Span {
  return { start: node.startIndex, end: node.endIndex };
}

/** Drops `(...)`, `await`, `x as T`, `x!` and `x satisfies T` around an expression. */
function unwrap(node: Node): Node {
  let n = node;
  for (;;) {
    if (['parenthesized_expression', 'await_expression', 'as_expression', 'non_null_expression', 'satisfies_expression'].includes(n.type) && n.namedChildren[0]) {
      n = n.namedChildren[0];
    } else return n;
  }
}

/** The arguments of a call (spread and comments left out). */
function argsOf(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  return args?.type === 'arguments' ? args.namedChildren.filter((a) => a.type !== 'comment' && a.type !== 'spread_element') : [];
}

/** The value of a string literal or a template literal without `${}`. */
function stringValue(node: Node | null | undefined): string | undefined {
  const n = node ? unwrap(node) : undefined;
  if (!n) return undefined;
  if (n.type === 'string' || (n.type === 'template_string' && !n.namedChildren.some((c) => c.type === 'template_substitution'))) {
    return literalSql(n)?.text;
  }
  return undefined;
}

function stringList(node: Node | undefined): string[] {
  if (!node) return [];
  const n = unwrap(node);
  if (n.type === 'array') return n.namedChildren.map((c) => stringValue(c)).filter((s): s is string => s !== undefined);
  const s = stringValue(n);
  return s === undefined ? [] : [s];
}

function numberValue(node: Node | undefined): number | undefined {
  const n = node ? unwrap(node) : undefined;
  return n?.type === 'number' ? Number(n.text) : undefined;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

/**
 * A string or template literal as the text it stands for, with the file
 * offset of each character (escapes resolved); `${}` holes become `$1`, `$2`
 * ... (Kysely's `sql` tag and knex bindings send them as parameters), except
 * a hole the file spells out as text (`holeText`: kutt's
 * `` `CREATE INDEX ${ifNotExists} links_user_id_index ON links (user_id)` ``).
 */
function literalSql(node: Node): EmbeddedSql | undefined {
  if (node.type !== 'string' && node.type !== 'template_string') return undefined;
  let text = '';
  const offsets: number[] = [];
  let holes = 0;
  const source = node.text;
  const base = node.startIndex;
  const subs = node.namedChildren
    .filter((c) => c.type === 'template_substitution')
    .map((c) => ({ start: c.startIndex - base, end: c.endIndex - base, expression: c.namedChildren.find((e) => e.type !== 'comment') }));
  for (let i = 1; i < source.length - 1; ) {
    const sub = subs.find((s) => s.start === i);
    if (sub) {
      const spelled = sub.expression ? holeText(sub.expression, 0) : undefined;
      const placeholder = spelled ?? `$${++holes}`;
      for (let k = 0; k < placeholder.length; k++) offsets.push(base + i);
      text += placeholder;
      i = sub.end;
      continue;
    }
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length - 1) {
      const e = source[i + 1]!;
      let value: string;
      let width = 2;
      if (e in ESCAPES) value = ESCAPES[e]!;
      else if (e === 'x') {
        value = String.fromCharCode(parseInt(source.slice(i + 2, i + 4), 16));
        width = 4;
      } else if (e === 'u') {
        const braced = /^\{([0-9a-fA-F]+)\}/.exec(source.slice(i + 2));
        value = braced ? String.fromCodePoint(parseInt(braced[1]!, 16)) : String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
        width = braced ? 2 + braced[0].length : 6;
      } else if (e === '\n') value = '';
      else value = e;
      for (let k = 0; k < value.length; k++) offsets.push(base + i);
      text += value;
      i += width;
      continue;
    }
    offsets.push(base + i);
    text += c;
    i++;
  }
  offsets.push(node.endIndex - 1);
  return { text, offsets, literal: spanOf(node) };
}

/**
 * The SQL text a template hole of a migration stands for, when the file spells
 * it out: a string literal, a `const` holding one, or a choice between such
 * (`const ifNotExists = isMySQL ? '' : 'IF NOT EXISTS'`: every choice makes the
 * same object, the first one that writes something is read). A migration's
 * DDL takes no parameters, so a hole is text the code puts in; one it does not
 * spell out stays a placeholder (the statement is then usually unreadable).
 */
function holeText(expression: Node, hops: number): string | undefined {
  const n = unwrap(expression);
  if (hops > 3) return undefined;
  const literal = stringValue(n);
  if (literal !== undefined) return literal;
  if (n.type === 'identifier') {
    const value = constValue(n.text, n);
    return value ? holeText(value, hops + 1) : undefined;
  }
  if (n.type === 'ternary_expression') {
    const choices = ['consequence', 'alternative'].map((f) => n.childForFieldName(f)).map((c) => (c ? holeText(c, hops + 1) : undefined));
    if (choices.some((c) => c === undefined)) return undefined;
    return choices.find((c) => c!.trim() !== '') ?? '';
  }
  return undefined;
}

/** One link of a call chain: `.name(args)` (args undefined for a property read). */
interface Link {
  name: string;
  args?: Node[];
  /** The property identifier. */
  property: Node;
  /** The call (or member) expression ending at this link. */
  node: Node;
}

/** `root.a.b(x).c(y)` → root `root` and the links a, b(x), c(y); undefined when it does not hang from an identifier. */
function chainOf(expression: Node): { root: Node; links: Link[] } | undefined {
  const links: Link[] = [];
  let n = unwrap(expression);
  for (;;) {
    if (n.type === 'call_expression') {
      const fn = unwrap(n.childForFieldName('function')!);
      if (fn.type !== 'member_expression') return undefined;
      const property = fn.childForFieldName('property')!;
      links.unshift({ name: property.text, args: argsOf(n), property, node: n });
      n = unwrap(fn.childForFieldName('object')!);
    } else if (n.type === 'member_expression') {
      const property = n.childForFieldName('property')!;
      links.unshift({ name: property.text, property, node: n });
      n = unwrap(n.childForFieldName('object')!);
    } else if (n.type === 'identifier' || n.type === 'this') {
      return { root: n, links };
    } else return undefined;
  }
}

/** Call chains that are not part of a longer one (`a.b().c()` once, not also `a.b()`), in document order. */
function outermostChains(body: Node): Node[] {
  return body.descendantsOfType(['call_expression']).filter((call) => {
    let p = call.parent;
    while (p && ['parenthesized_expression', 'await_expression', 'as_expression', 'non_null_expression'].includes(p.type)) p = p.parent;
    return !(p?.type === 'member_expression' && p.childForFieldName('object') && unwrap(p.childForFieldName('object')!) === call);
  });
}

/** The function given as an argument (`(table) => {...}`, `function (t) {...}`), with its first parameter's name. */
function callbackOf(node: Node | undefined): { fn: Node; param: string } | undefined {
  const n = node ? unwrap(node) : undefined;
  if (!n || !FUNCTIONS.has(n.type)) return undefined;
  const param = firstParam(n);
  return param ? { fn: n, param: param.name } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Branches on the database: `if (knex.client.config.client === 'sqlite3') {...}`.

/** knex's client names (and Kysely dialect words) → the dialect they run. */
const CLIENTS: Record<string, Dialect> = {
  pg: 'postgres', postgres: 'postgres', postgresql: 'postgres', pgnative: 'postgres', 'pg-native': 'postgres', cockroachdb: 'postgres',
  sqlite: 'sqlite', sqlite3: 'sqlite', 'better-sqlite3': 'sqlite',
  mysql: 'mysql', mysql2: 'mysql', mariadb: 'mysql',
};

/**
 * Whether a condition holds on `dialect`, when it tests the database
 * (`knex.client.config.client === 'sqlite3'`, `knex.client.dialect !== 'postgresql'`,
 * `isSQLite` bound to such a test in the function, `!`, `&&`, `||`); undefined
 * when it tests something else.
 */
function holdsOn(condition: Node, body: Node, dialect: Dialect, depth = 0): boolean | undefined {
  const n = unwrap(condition);
  if (depth > 8) return undefined;
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') {
    const inner = holdsOn(n.childForFieldName('argument')!, body, dialect, depth + 1);
    return inner === undefined ? undefined : !inner;
  }
  if (n.type === 'identifier') {
    for (const decl of body.descendantsOfType('variable_declarator')) {
      const value = decl.childForFieldName('value');
      if (decl.childForFieldName('name')?.text === n.text && value) return holdsOn(value, body, dialect, depth + 1);
    }
    return undefined;
  }
  if (n.type !== 'binary_expression') return undefined;
  const op = n.childForFieldName('operator')?.text;
  const left = n.childForFieldName('left')!;
  const right = n.childForFieldName('right')!;
  if (op === '&&' || op === '||') {
    const [a, b] = [holdsOn(left, body, dialect, depth + 1), holdsOn(right, body, dialect, depth + 1)];
    if (op === '&&') return a === false || b === false ? false : a === true && b === true ? true : undefined;
    return a === true || b === true ? true : a === false && b === false ? false : undefined;
  }
  if (!['===', '==', '!==', '!='].includes(op ?? '')) return undefined;
  const [literal, other] = stringValue(right) !== undefined ? [stringValue(right)!, left] : [stringValue(left), right];
  const named = literal === undefined ? undefined : CLIENTS[literal.toLowerCase()];
  if (!named || !/\b(client|dialect)\b/i.test(other.text)) return undefined;
  return (named === dialect) === (op === '===' || op === '==');
}

/** Whether `call` runs on `dialect`: no `if` around it (within `body`) tests for another database. */
function runsOn(call: Node, body: Node, dialect: Dialect): boolean {
  for (let n: Node | null = call; n && n !== body; n = n.parent) {
    const parent: Node | null = n.parent;
    if (parent?.type !== 'if_statement') continue;
    const condition = parent.childForFieldName('condition');
    const holds = condition ? holdsOn(condition, body, dialect) : undefined;
    if (holds === undefined) continue;
    const inElse = parent.childForFieldName('alternative')?.id === n.id;
    if (holds === inElse) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// knex's and Kysely's schema builders → schema changes.

/** knex's PostgreSQL column types (knex/lib/dialects/postgres/schema/pg-columncompiler.js). */
function knexType(method: string, args: Node[]): string | undefined {
  const n = (i: number) => numberValue(args[i]);
  const options = args.map((a) => unwrap(a)).find((a) => a.type === 'object');
  const useTz = options ? propertiesOf(options).get('useTz')?.type !== 'false' : args[1] ? unwrap(args[1]).type !== 'false' : true;
  const precision = options ? numberValue(propertiesOf(options).get('precision')) : n(2);
  switch (method) {
    case 'increments':
      return 'serial';
    case 'bigIncrements':
      return 'bigserial';
    case 'integer':
    case 'mediumint':
      return 'integer';
    case 'bigInteger':
    case 'bigint':
      return 'bigint';
    case 'smallint':
    case 'tinyint':
      return 'smallint';
    case 'text':
      return 'text';
    case 'string':
      return `varchar(${n(1) ?? 255})`;
    case 'float':
      return 'real';
    case 'double':
      return 'double precision';
    case 'decimal': {
      if (args[1] && unwrap(args[1]).type === 'null') return 'decimal';
      return `decimal(${n(1) ?? 8}, ${n(2) ?? 2})`;
    }
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
    case 'timestamp': {
      const p = precision !== undefined ? `(${precision})` : '';
      return useTz ? `timestamptz${p}` : `timestamp${p}`;
    }
    case 'time':
      return 'time';
    case 'binary':
      return 'bytea';
    case 'json':
      return 'json';
    case 'jsonb':
      return 'jsonb';
    case 'uuid':
      return 'uuid';
    case 'enu':
    case 'enum': {
      const o = options ? propertiesOf(options) : undefined;
      const name = o && o.get('useNative')?.type === 'true' ? stringValue(o.get('enumName')) : undefined;
      return name ?? 'text';
    }
    case 'specificType':
      return stringValue(args[1]);
    case 'geometry':
    case 'geography':
      return method;
    case 'point':
      return 'point';
    default:
      return undefined;
  }
}

const KNEX_COLUMN_METHODS = new Set([
  'increments', 'bigIncrements', 'integer', 'mediumint', 'bigInteger', 'bigint', 'smallint', 'tinyint', 'text', 'string', 'float', 'double', 'decimal',
  'boolean', 'date', 'datetime', 'timestamp', 'time', 'binary', 'json', 'jsonb', 'uuid', 'enu', 'enum', 'specificType', 'geometry', 'geography', 'point',
]);

/** knex's constraint and index names: `<table>_<columns>_<kind>`, lower-cased, dots and dashes as underscores. */
function knexName(table: string, columns: string[], kind: string): string {
  return `${table.replace(/\.|-/g, '_')}_${columns.join('_')}_${kind}`.toLowerCase();
}

/** A knex index predicate as SQL: `knex.whereRaw('important = 1')`, `knex.whereNotNull('email')`; else as written. */
function predicateText(node: Node): string {
  const chain = chainOf(node);
  const last = chain?.links[chain.links.length - 1];
  const arg = stringValue(last?.args?.[0]);
  if (last && arg !== undefined && chain!.links.length === 1) {
    if (last.name === 'whereRaw') return arg;
    if (last.name === 'whereNotNull') return `${arg} IS NOT NULL`;
    if (last.name === 'whereNull') return `${arg} IS NULL`;
  }
  return node.text;
}

/** `'orgs.id'` → table and column; `'id'` → the column only. */
function reference(target: string): { table?: string; column: string } {
  const parts = target.split('.');
  return parts.length > 1 ? { table: parts.slice(0, -1).join('.'), column: parts[parts.length - 1]! } : { column: target };
}

/** Helpers deeper than this (a helper's helper's helper) are not followed. */
const MAX_HELPER_DEPTH = 3;

class ChangeReader {
  readonly changes: SchemaChange[] = [];
  constructor(
    private readonly dialect: Dialect,
    private readonly param: string,
    /** The file's functions by name (top-level declarations and `const f = (..) => ..`). */
    private readonly functions: Map<string, Node> = new Map(),
    /** The functions being read, `up` first: a helper calling itself is not followed again. */
    private readonly reading: number[] = [],
  ) {}

  /**
   * `await createUsers(knex)`: a function of the file given the migration's `knex` / `db`;
   * its schema calls are read as if written here (under its own parameter name).
   */
  private helper(call: Node, read: (reader: ChangeReader, body: Node) => void): boolean {
    const callee = unwrap(call.childForFieldName('function') ?? call);
    if (callee.type !== 'identifier' || !this.param) return false;
    const fn = this.functions.get(callee.text);
    if (!fn || this.reading.includes(fn.id) || this.reading.length > MAX_HELPER_DEPTH) return false;
    const index = argsOf(call).findIndex((a) => unwrap(a).type === 'identifier' && unwrap(a).text === this.param);
    const param = index >= 0 ? paramName(fn, index) : undefined;
    const body = fn.childForFieldName('body');
    if (!param || !body) return false;
    const reader = new ChangeReader(this.dialect, param, this.functions, [...this.reading, fn.id]);
    read(reader, body);
    this.changes.push(...reader.changes);
    return true;
  }

  // --- knex ------------------------------------------------------------------------------------

  knex(body: Node): void {
    for (const call of outermostChains(body)) {
      if (!runsOn(call, body, this.dialect)) continue;
      if (this.helper(call, (reader, b) => reader.knex(b))) continue;
      const chain = chainOf(call);
      if (!chain || chain.root.text !== this.param) continue;
      let schema: string | undefined;
      let links = chain.links;
      if (links[0]?.name === 'raw' && links[0].args) {
        this.raw(links[0].args[0]);
        continue;
      }
      if (links[0]?.name !== 'schema' || links[0].args) continue;
      links = links.slice(1);
      for (const link of links) {
        const args = link.args ?? [];
        const span = spanOf(link.node);
        const name = stringValue(args[0]);
        const qualified = (t: string) => (schema ? `${schema}.${t}` : t);
        switch (link.name) {
          case 'withSchema':
            schema = name;
            break;
          case 'createTable':
          case 'createTableIfNotExists':
          case 'createTableLike':
            if (name !== undefined) this.knexTable(qualified(name), callbackOf(args[link.name === 'createTableLike' ? 2 : 1]), span, link.name === 'createTableIfNotExists' ? 'createIfNotExists' : 'create');
            break;
          case 'table':
          case 'alterTable':
            if (name !== undefined) this.knexTable(qualified(name), callbackOf(args[1]), span, 'alter');
            break;
          case 'dropTable':
          case 'dropTableIfExists':
            if (name !== undefined) this.changes.push({ kind: 'dropTable', tables: [qualified(name)], span });
            break;
          case 'renameTable': {
            const to = stringValue(args[1]);
            if (name !== undefined && to !== undefined) this.changes.push({ kind: 'renameTable', from: qualified(name), to, span });
            break;
          }
          case 'raw':
            this.raw(args[0]);
            break;
        }
      }
    }
  }

  // --- TypeORM ---------------------------------------------------------------------------------

  /**
   * `queryRunner.query('...')` through the SQL core; `createIndex('t', new TableIndex({ name, columnNames, isUnique, where }))`,
   * `createTable(new Table({ name, columns: [...], indices: [...] }))`, `dropTable('t')`, `dropIndex('t', 'name')`.
   */
  typeorm(body: Node): void {
    for (const call of outermostChains(body)) {
      if (!runsOn(call, body, this.dialect)) continue;
      const chain = chainOf(call);
      if (!chain || chain.root.text !== this.param || chain.links.length !== 1) continue;
      const link = chain.links[0]!;
      const args = link.args ?? [];
      const span = spanOf(link.node);
      switch (link.name) {
        case 'query':
          this.raw(args[0]);
          break;
        case 'createIndex': {
          const table = stringValue(args[0]);
          const index = args[1] ? typeOrmObject(args[1], 'TableIndex') : undefined;
          if (table !== undefined && index) {
            const change = typeOrmIndex(table, index, span);
            if (change) this.changes.push(change);
          }
          break;
        }
        case 'createTable': {
          const table = args[0] ? typeOrmObject(args[0], 'Table') : undefined;
          if (table) this.typeOrmTable(table, span);
          break;
        }
        case 'dropTable': {
          const table = stringValue(args[0]);
          if (table !== undefined) this.changes.push({ kind: 'dropTable', tables: [table], span });
          break;
        }
        case 'dropIndex': {
          const name = stringValue(args[1]);
          if (name !== undefined) this.changes.push({ kind: 'dropIndex', names: [name], span });
          break;
        }
      }
    }
  }

  private typeOrmTable(options: Map<string, Node>, span: Span): void {
    const table = stringValue(options.get('name'));
    if (table === undefined) return;
    const columns: ColumnDef[] = [];
    const primaryKey: string[] = [];
    const list = options.get('columns');
    for (const item of list && unwrap(list).type === 'array' ? unwrap(list).namedChildren : []) {
      if (unwrap(item).type !== 'object') continue;
      const props = propertiesOf(unwrap(item));
      const name = stringValue(props.get('name'));
      const type = stringValue(props.get('type'));
      if (name === undefined) continue;
      const primary = props.get('isPrimary')?.type === 'true';
      const generated = props.get('isGenerated')?.type === 'true' && stringValue(props.get('generationStrategy')) !== 'uuid';
      const length = stringValue(props.get('length')) ?? (props.get('length')?.type === 'number' ? props.get('length')!.text : undefined);
      const sqlType = (type ?? '').toLowerCase();
      columns.push({
        name,
        type: generated && /^(int|integer|int4)$/.test(sqlType) ? 'serial' : length && sqlType === 'varchar' ? `varchar(${length})` : sqlType,
        notNull: primary || props.get('isNullable')?.type !== 'true',
        primaryKey: primary,
        unique: props.get('isUnique')?.type === 'true',
        span: spanOf(item),
      });
      if (primary) primaryKey.push(name);
    }
    this.changes.push({ kind: 'createTable', table, columns, ...(primaryKey.length ? { primaryKey } : {}), uniques: [], foreignKeys: [], ifNotExists: false, span });
    const indices = options.get('indices');
    for (const item of indices && unwrap(indices).type === 'array' ? unwrap(indices).namedChildren : []) {
      const index = typeOrmObject(item, 'TableIndex');
      const change = index && typeOrmIndex(table, index, spanOf(item));
      if (change) this.changes.push(change);
    }
  }

  private raw(arg: Node | undefined): void {
    const n = arg ? unwrap(arg) : undefined;
    const sql = n ? literalSql(n) : undefined;
    if (sql) this.rawSql(sql);
  }

  /** The callback of `createTable('t', (table) => {...})` / `alterTable`. */
  private knexTable(table: string, callback: { fn: Node; param: string } | undefined, span: Span, mode: 'create' | 'createIfNotExists' | 'alter'): void {
    const bare = table.split('.').pop()!;
    const columns: ColumnDef[] = [];
    const after: SchemaChange[] = [];
    const foreignKeys: ForeignKeyDef[] = [];
    const uniques: { name?: string; columns: string[] }[] = [];
    let primaryKey: string[] | undefined;
    let primaryName: string | undefined;
    const body = callback?.fn.childForFieldName('body');
    const alter = mode === 'alter';
    const addUnique = (name: string, cols: string[], at: Span) => {
      if (alter) after.push({ kind: 'addConstraint', table, constraint: { type: 'unique', name, columns: cols }, span: at });
      else uniques.push({ name, columns: cols });
    };
    const addForeign = (fk: ForeignKeyDef, at: Span) => {
      if (alter) after.push({ kind: 'addConstraint', table, constraint: { type: 'foreignKey', fk }, span: at });
      else foreignKeys.push(fk);
    };
    const index = (cols: string[], name: string | undefined, method: string, at: Span, keyword: Span, unique = false): SchemaChange => ({
      kind: 'createIndex', name: name ?? knexName(bare, cols, 'index'), table, keys: cols.map((column) => ({ column })), unique, partial: false,
      method, concurrently: false, ifNotExists: false, span: at, keywordSpan: keyword,
    });
    for (const call of body ? outermostChains(body) : []) {
      const chain = chainOf(call);
      if (!chain || chain.root.text !== callback!.param || !chain.links[0]?.args) continue;
      const [first, ...modifiers] = chain.links;
      const args = first!.args!;
      const at = spanOf(call);
      const keyword = spanOf(first!.property);
      const has = (m: string) => modifiers.some((l) => l.name === m);
      const modifier = (m: string) => modifiers.find((l) => l.name === m);
      if (KNEX_COLUMN_METHODS.has(first!.name) || first!.name === 'timestamps') {
        const defs: ColumnDef[] = [];
        if (first!.name === 'timestamps') {
          const camel = args[2] && unwrap(args[2]).type === 'true';
          const notNull = args[1] && unwrap(args[1]).type === 'true';
          for (const c of camel ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at']) {
            defs.push({ name: c, type: 'timestamptz', notNull: !!notNull, primaryKey: false, unique: false, span: at });
          }
        } else {
          const increments = first!.name === 'increments' || first!.name === 'bigIncrements';
          const name = stringValue(args[0]) ?? (increments ? 'id' : undefined);
          const type = knexType(first!.name, args);
          if (name === undefined || type === undefined) continue;
          const options = args.map((a) => unwrap(a)).find((a) => a.type === 'object');
          const incrementsPk = increments && options ? propertiesOf(options).get('primaryKey')?.type !== 'false' : increments;
          const primary = incrementsPk || has('primary');
          const notNull = primary || (has('notNullable') && !modifiers.some((l, i) => l.name === 'nullable' && i > modifiers.findIndex((m) => m.name === 'notNullable')));
          defs.push({ name, type, notNull, primaryKey: false, unique: false, span: at });
          if (primary) {
            primaryKey = [name];
            primaryName = stringValue(modifier('primary')?.args?.[0]);
            if (alter) after.push({ kind: 'addConstraint', table, constraint: { type: 'primaryKey', name: primaryName ?? `${bare}_pkey`, columns: [name] }, span: at });
          }
          const unique = modifier('unique');
          if (unique) addUnique(this.indexNameOption(unique.args?.[0]) ?? knexName(bare, [name], 'unique'), [name], at);
          const idx = modifier('index');
          if (idx) after.push(index([name], stringValue(idx.args?.[0]), stringValue(idx.args?.[1]) ?? 'btree', at, spanOf(idx.property)));
          const refs = modifier('references');
          if (refs) {
            const target = reference(stringValue(refs.args?.[0]) ?? '');
            const inTable = stringValue(modifier('inTable')?.args?.[0]) ?? target.table;
            const fkName = this.indexNameOption(modifier('withKeyName')?.args?.[0]) ?? knexName(bare, [name], 'foreign');
            if (inTable) addForeign({ name: fkName, columns: [name], refTable: inTable, refColumns: [target.column], span: at }, at);
          }
        }
        if (alter && has('alter')) {
          // `.alter()` retypes the column (and drops NOT NULL unless the chain says notNullable).
          for (const def of defs) this.changes.push({ kind: 'addColumn', table, column: def, span: at });
          continue;
        }
        if (alter) for (const def of defs) this.changes.push({ kind: 'addColumn', table, column: def, span: at });
        else columns.push(...defs);
        continue;
      }
      const cols = stringList(args[0]);
      switch (first!.name) {
        case 'index': {
          const options = args[2] ? unwrap(args[2]) : undefined;
          const o = options?.type === 'object' ? propertiesOf(options) : undefined;
          const method = o ? (stringValue(o.get('indexType')) ?? stringValue(o.get('storageEngineIndexType'))) : stringValue(options);
          const where = o?.get('predicate');
          const change = index(cols, this.indexNameOption(args[1]), method?.toLowerCase() || 'btree', at, keyword);
          if (where && change.kind === 'createIndex') Object.assign(change, { partial: true, where: predicateText(where) });
          after.push(change);
          break;
        }
        case 'unique': {
          const name = this.indexNameOption(args[1]) ?? knexName(bare, cols, 'unique');
          addUnique(name, cols, at);
          break;
        }
        case 'primary':
          primaryKey = cols;
          primaryName = this.constraintNameOption(args[1]) ?? `${bare}_pkey`;
          if (alter) after.push({ kind: 'addConstraint', table, constraint: { type: 'primaryKey', name: primaryName, columns: cols }, span: at });
          break;
        case 'foreign': {
          const refs = modifiers.find((l) => l.name === 'references');
          const targets = stringList(refs?.args?.[0]).map(reference);
          const inTable = stringValue(modifier('inTable')?.args?.[0]) ?? targets[0]?.table;
          const name = stringValue(args[1]) ?? this.indexNameOption(modifier('withKeyName')?.args?.[0]) ?? knexName(bare, cols, 'foreign');
          if (inTable) addForeign({ name, columns: cols, refTable: inTable, refColumns: targets.map((t) => t.column), span: at }, at);
          break;
        }
        case 'dropColumn':
        case 'dropColumns':
          for (const a of args) for (const c of stringList(a)) this.changes.push({ kind: 'dropColumn', table, column: c, span: at });
          break;
        case 'dropTimestamps': {
          const camel = args[0] && unwrap(args[0]).type === 'true';
          for (const c of camel ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at']) this.changes.push({ kind: 'dropColumn', table, column: c, span: at });
          break;
        }
        case 'renameColumn': {
          const to = stringValue(args[1]);
          if (cols[0] !== undefined && to !== undefined) this.changes.push({ kind: 'renameColumn', table, from: cols[0], to, span: at });
          break;
        }
        case 'dropIndex':
          this.changes.push({ kind: 'dropIndex', names: [stringValue(args[1]) ?? knexName(bare, cols, 'index')], span: at });
          break;
        case 'dropUnique':
          this.changes.push({ kind: 'dropConstraint', table, name: stringValue(args[1]) ?? knexName(bare, cols, 'unique'), span: at });
          break;
        case 'dropForeign':
          this.changes.push({ kind: 'dropConstraint', table, name: stringValue(args[1]) ?? knexName(bare, cols, 'foreign'), span: at });
          break;
        case 'dropPrimary':
          this.changes.push({ kind: 'dropConstraint', table, name: stringValue(args[0]) ?? `${bare}_pkey`, span: at });
          break;
      }
    }
    if (!alter) {
      const schema = table.includes('.') ? table.split('.').slice(0, -1).join('.') : undefined;
      const pkColumns = primaryKey ?? [];
      if (primaryName && primaryName !== `${bare}_pkey` && pkColumns.length > 0) {
        // A named primary key: the catalog names it from the constraint.
        after.unshift({ kind: 'addConstraint', table, constraint: { type: 'primaryKey', name: primaryName, columns: pkColumns }, span });
        primaryKey = undefined;
      }
      this.changes.push({
        kind: 'createTable', table, ...(schema ? { schema } : {}), columns, ...(primaryKey?.length ? { primaryKey } : {}), uniques, foreignKeys,
        ifNotExists: mode === 'createIfNotExists', span,
      });
    }
    this.changes.push(...after);
  }

  /** `'name'` or `{ indexName: 'name' }` / `{ keyName }`. */
  private indexNameOption(node: Node | undefined): string | undefined {
    const n = node ? unwrap(node) : undefined;
    if (n?.type === 'object') {
      const o = propertiesOf(n);
      return stringValue(o.get('indexName') ?? o.get('keyName'));
    }
    return stringValue(n);
  }

  private constraintNameOption(node: Node | undefined): string | undefined {
    const n = node ? unwrap(node) : undefined;
    if (n?.type === 'object') return stringValue(propertiesOf(n).get('constraintName'));
    return stringValue(n);
  }

  // --- Kysely ----------------------------------------------------------------------------------

  kysely(body: Node): void {
    for (const call of outermostChains(body)) {
      if (!runsOn(call, body, this.dialect)) continue;
      if (this.helper(call, (reader, b) => reader.kysely(b))) continue;
      // sql`...`.execute(db), sql.raw('...').execute(db)
      const tagged = this.taggedSql(call);
      if (tagged) {
        this.rawSql(tagged);
        continue;
      }
      const chain = chainOf(call);
      if (!chain || chain.root.text !== this.param || chain.links[0]?.name !== 'schema' || chain.links[0].args) continue;
      let links = chain.links.slice(1);
      let schema: string | undefined;
      if (links[0]?.name === 'withSchema') {
        schema = stringValue(links[0].args?.[0]);
        links = links.slice(1);
      }
      const [head, ...rest] = links;
      if (!head?.args) continue;
      const name = stringValue(head.args[0]);
      if (name === undefined) continue;
      const table = schema ? `${schema}.${name}` : name;
      const span = spanOf(call);
      switch (head.name) {
        case 'createTable':
          this.kyselyCreateTable(table, rest, span);
          break;
        case 'alterTable':
          this.kyselyAlterTable(table, rest, span);
          break;
        case 'dropTable':
          this.changes.push({ kind: 'dropTable', tables: [table], span });
          break;
        case 'createIndex':
          this.kyselyCreateIndex(name, rest, span, spanOf(head.property), schema);
          break;
        case 'dropIndex':
          this.changes.push({ kind: 'dropIndex', names: [name], span });
          break;
      }
    }
  }

  /** The SQL of `` sql`...`.execute(db) `` / `sql.raw('...').execute(db)`. */
  private taggedSql(call: Node): EmbeddedSql | undefined {
    const fn = unwrap(call.childForFieldName('function')!);
    if (fn.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'execute') return undefined;
    const target = unwrap(fn.childForFieldName('object')!);
    if (target.type === 'call_expression') {
      const tag = target.childForFieldName('function');
      const template = target.childForFieldName('arguments');
      if (tag?.text === 'sql' && template?.type === 'template_string') return literalSql(template);
      if (tag?.text === 'sql.raw') {
        const arg = argsOf(target)[0];
        return arg ? literalSql(unwrap(arg)) : undefined;
      }
    }
    return undefined;
  }

  private rawSql(sql: EmbeddedSql): void {
    const doc = parseDocument(sql.text, this.dialect);
    for (const st of doc.statements) for (const c of st.changes) this.changes.push(spansToFile(c, sql));
  }

  /** `addColumn('name', 'type', (col) => col.notNull().primaryKey().references('t.c').unique())`. */
  private kyselyColumn(link: Link): { def: ColumnDef; fk?: ForeignKeyDef } | undefined {
    const args = link.args ?? [];
    const name = stringValue(args[0]);
    const typeNode = args[1] ? unwrap(args[1]) : undefined;
    if (name === undefined || !typeNode) return undefined;
    let type = stringValue(typeNode);
    if (type === undefined && typeNode.type === 'call_expression' && typeNode.childForFieldName('function')?.text === 'sql') {
      type = stringValue(typeNode.childForFieldName('arguments'));
    }
    if (type === undefined) return undefined;
    const span = spanOf(link.node);
    const def: ColumnDef = { name, type: type.toLowerCase(), notNull: false, primaryKey: false, unique: false, span };
    let fk: ForeignKeyDef | undefined;
    const callback = callbackOf(args[2]);
    const body = callback?.fn.childForFieldName('body');
    if (callback && body) {
      const expression = body.type === 'statement_block' ? body.descendantsOfType('return_statement')[0]?.namedChildren[0] : body;
      const chain = expression ? chainOf(expression) : undefined;
      if (chain?.root.text === callback.param) {
        for (const l of chain.links) {
          if (l.name === 'primaryKey') def.primaryKey = def.notNull = true;
          else if (l.name === 'notNull') def.notNull = true;
          else if (l.name === 'unique') def.unique = true;
          else if (l.name === 'references') {
            const target = reference(stringValue(l.args?.[0]) ?? '');
            if (target.table) {
              def.references = { table: target.table, column: target.column };
              fk = { columns: [name], refTable: target.table, refColumns: [target.column], span };
            }
          }
        }
      }
    }
    return { def, ...(fk ? { fk } : {}) };
  }

  private kyselyCreateTable(table: string, links: Link[], span: Span): void {
    const columns: ColumnDef[] = [];
    const uniques: { name?: string; columns: string[] }[] = [];
    const foreignKeys: ForeignKeyDef[] = [];
    let primaryKey: string[] | undefined;
    let primaryName: string | undefined;
    let ifNotExists = false;
    for (const link of links) {
      const args = link.args ?? [];
      switch (link.name) {
        case 'ifNotExists':
          ifNotExists = true;
          break;
        case 'addColumn': {
          const col = this.kyselyColumn(link);
          if (col) columns.push(col.def);
          break;
        }
        case 'addPrimaryKeyConstraint':
          primaryName = stringValue(args[0]);
          primaryKey = stringList(args[1]);
          break;
        case 'addUniqueConstraint': {
          const name = stringValue(args[0]);
          uniques.push({ ...(name ? { name } : {}), columns: stringList(args[1]) });
          break;
        }
        case 'addForeignKeyConstraint': {
          const name = stringValue(args[0]);
          foreignKeys.push({ ...(name ? { name } : {}), columns: stringList(args[1]), refTable: stringValue(args[2]) ?? '', refColumns: stringList(args[3]), span: spanOf(link.node) });
          break;
        }
      }
    }
    const schema = table.includes('.') ? table.split('.').slice(0, -1).join('.') : undefined;
    this.changes.push({ kind: 'createTable', table, ...(schema ? { schema } : {}), columns, ...(primaryKey?.length && !primaryName ? { primaryKey } : {}), uniques, foreignKeys, ifNotExists, span });
    if (primaryName && primaryKey?.length) this.changes.push({ kind: 'addConstraint', table, constraint: { type: 'primaryKey', name: primaryName, columns: primaryKey }, span });
  }

  private kyselyAlterTable(table: string, links: Link[], span: Span): void {
    for (const link of links) {
      const args = link.args ?? [];
      const at = spanOf(link.node);
      switch (link.name) {
        case 'addColumn': {
          const col = this.kyselyColumn(link);
          if (col) this.changes.push({ kind: 'addColumn', table, column: col.def, span: at });
          break;
        }
        case 'dropColumn':
          this.changes.push({ kind: 'dropColumn', table, column: stringValue(args[0]) ?? '', span: at });
          break;
        case 'renameColumn':
          this.changes.push({ kind: 'renameColumn', table, from: stringValue(args[0]) ?? '', to: stringValue(args[1]) ?? '', span: at });
          break;
        case 'renameTo':
          this.changes.push({ kind: 'renameTable', from: table, to: stringValue(args[0]) ?? '', span: at });
          break;
        case 'addUniqueConstraint':
          this.changes.push({ kind: 'addConstraint', table, constraint: { type: 'unique', name: stringValue(args[0]) ?? '', columns: stringList(args[1]) }, span: at });
          break;
        case 'addPrimaryKeyConstraint':
          this.changes.push({ kind: 'addConstraint', table, constraint: { type: 'primaryKey', name: stringValue(args[0]) ?? '', columns: stringList(args[1]) }, span: at });
          break;
        case 'addForeignKeyConstraint': {
          const name = stringValue(args[0]);
          const fk: ForeignKeyDef = { ...(name ? { name } : {}), columns: stringList(args[1]), refTable: stringValue(args[2]) ?? '', refColumns: stringList(args[3]), span: at };
          this.changes.push({ kind: 'addConstraint', table, constraint: { type: 'foreignKey', fk }, span: at });
          break;
        }
        case 'dropConstraint':
          this.changes.push({ kind: 'dropConstraint', table, name: stringValue(args[0]) ?? '', span: at });
          break;
      }
    }
    void span;
  }

  private kyselyCreateIndex(name: string, links: Link[], span: Span, keyword: Span, schema: string | undefined): void {
    let table = '';
    const keys: IndexKey[] = [];
    let unique = false;
    let method = 'btree';
    let ifNotExists = false;
    let where: string | undefined;
    for (const link of links) {
      const args = link.args ?? [];
      switch (link.name) {
        case 'on':
          table = stringValue(args[0]) ?? '';
          break;
        case 'column':
        case 'columns':
          for (const c of stringList(args[0])) {
            const m = /^(.*?)\s+(asc|desc)$/i.exec(c);
            keys.push(m ? { column: m[1]!, ...(m[2]!.toLowerCase() === 'desc' ? { desc: true } : {}) } : { column: c });
          }
          break;
        case 'expression':
          keys.push({ expression: args[0] ? (stringValue(unwrap(args[0]).childForFieldName('arguments')) ?? unwrap(args[0]).text) : '' });
          break;
        case 'unique':
          unique = true;
          break;
        case 'using':
          method = (stringValue(args[0]) ?? 'btree').toLowerCase();
          break;
        case 'ifNotExists':
          ifNotExists = true;
          break;
        case 'where':
          where = args.map((a) => a.text).join(' ');
          break;
      }
    }
    this.changes.push({
      kind: 'createIndex', name, table: schema && table ? `${schema}.${table}` : table, keys, unique, partial: where !== undefined, ...(where ? { where } : {}),
      method, concurrently: false, ifNotExists, span, keywordSpan: keyword,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// knexfiles: where the migrations are, and their table.

/** What a knexfile says of its migrations (`migrations: { directory, tableName, schemaName }`). */
export interface KnexfileMigrations {
  /** The folders `directory` names (one or a list), absolute: resolved against the knexfile's folder (where knex's CLI runs), or the program's for a migrator call. */
  directories: string[];
  /**
   * The tracking table of a folder, when every setting naming the folder names that one:
   * `knex_history`, `app.knex_history` with `schemaName` (a folder with none, or with different ones, has none here).
   */
  tables: Record<string, string>;
}

/** A plain SQL identifier: what a table name from a knexfile must be before QueryLens queries it. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** knex's migrator methods that take the migration settings (`knex.migrate.latest({ directory })`). */
const MIGRATOR_METHODS = new Set(['latest', 'up', 'down', 'rollback', 'list', 'status', 'currentVersion', 'make']);

/** A module that may call knex's migrator with settings: worth reading with `readKnexfile`. */
export const MAY_CALL_MIGRATOR = /\.migrate\.(?:latest|up|down|rollback|list|status|currentVersion|make)\s*\(/;

/**
 * A knexfile's migration settings, from every environment (`cwd` left out: the knexfile's own
 * folder, where knex's CLI runs); for any other module, the settings it gives knex's migrator
 * (`knex.migrate.latest({ directory: Database.knexMigrationsPath })`), relative folders resolved
 * against `cwd` (the folder the program runs in). Undefined when it sets none.
 */
export function readKnexfile(file: string, text: string, cwd?: string): KnexfileMigrations | undefined {
  const grammar = hostGrammarOf(file);
  const knexfile = cwd === undefined;
  if ((grammar !== 'typescript' && grammar !== 'tsx' && grammar !== 'javascript') || !(knexfile ? /\bmigrations\b/ : MAY_CALL_MIGRATOR).test(text)) return undefined;
  const root = hostParser(grammar).parse(text)?.rootNode as unknown as Node | undefined;
  if (!root) return undefined;
  const base = cwd ?? path.dirname(file);
  const constants = topLevel(root).values;
  const directories = new Set<string>();
  /** Per folder, the tables its settings name ('' for knex's default, or a name that is no plain identifier). */
  const tables = new Map<string, Set<string>>();
  const objects: Node[] = [];
  if (knexfile) {
    for (const pair of root.descendantsOfType(['pair', 'shorthand_property_identifier'])) {
      // `migrations: {...}`, or `{ client, migrations }` with `const migrations = {...}`.
      const key = pair.type === 'pair' ? pair.childForFieldName('key') : pair;
      if ((key ? (stringValue(key) ?? key.text) : undefined) !== 'migrations') continue;
      let value = pair.type === 'pair' ? pair.childForFieldName('value') : pair;
      if (value && (unwrap(value).type === 'identifier' || value.type === 'shorthand_property_identifier')) value = constants.get(unwrap(value).text) ?? null;
      if (value && unwrap(value).type === 'object') objects.push(unwrap(value));
    }
  } else {
    for (const call of root.descendantsOfType('call_expression')) {
      const callee = call.childForFieldName('function');
      const object = callee?.type === 'member_expression' ? callee.childForFieldName('object') : null;
      if (!object || object.type !== 'member_expression' || object.childForFieldName('property')?.text !== 'migrate') continue;
      if (!MIGRATOR_METHODS.has(callee!.childForFieldName('property')?.text ?? '')) continue;
      const [first] = argsOf(call);
      const value = first && unwrap(first).type === 'identifier' ? constants.get(unwrap(first).text) : first;
      if (value && unwrap(value).type === 'object') objects.push(unwrap(value));
    }
  }
  const ctx = { libraries: fileLibraries(root), constValue };
  for (const object of objects) {
    const settings = propertiesOf(object);
    let directory = settings.get('directory');
    // `directory: Database.knexMigrationsPath`: a static field or a const object's property of the file.
    if (directory && unwrap(directory).type === 'member_expression') directory = memberValue(unwrap(directory), ctx) ?? directory;
    const list = directory && unwrap(directory).type === 'array' ? unwrap(directory).namedChildren : directory ? [directory] : [];
    const folders = list.map((d) => pathValue(d, base, path.dirname(file))).filter((f): f is string => f !== undefined);
    if (!directory && knexfile) folders.push(path.resolve(base, 'migrations')); // knex's default
    const table = stringValue(settings.get('tableName'));
    const schema = stringValue(settings.get('schemaName'));
    const named = table !== undefined && IDENTIFIER.test(table) && (schema === undefined || IDENTIFIER.test(schema)) ? (schema ? `${schema}.${table}` : table) : '';
    for (const folder of folders) {
      directories.add(folder);
      tables.set(folder, (tables.get(folder) ?? new Set()).add(named));
    }
  }
  if (directories.size === 0) return undefined;
  const named: Record<string, string> = {};
  for (const [folder, names] of tables) {
    const [only] = names;
    if (names.size === 1 && only) named[folder] = only;
  }
  return { directories: [...directories], tables: named };
}

/**
 * A folder as a knexfile writes it: `'./db/schema'` (relative to `cwd`), `path.join(__dirname, 'db', 'schema')`,
 * `path.resolve(__dirname, 'db/schema')`, `` `${__dirname}/db/schema` `` (relative to the module's folder, `here`); absolute, or undefined.
 */
function pathValue(node: Node, cwd: string, here: string): string | undefined {
  const n = unwrap(node);
  const plain = stringValue(n);
  if (plain !== undefined) return path.resolve(cwd, plain);
  if (n.type === 'template_string') {
    const subs = n.namedChildren.filter((c) => c.type === 'template_substitution');
    if (subs.length !== 1 || subs[0]!.namedChildren[0]?.text !== '__dirname' || subs[0]!.startIndex !== n.startIndex + 1) return undefined;
    return path.resolve(here, `.${n.text.slice(subs[0]!.endIndex - n.startIndex, -1)}`);
  }
  if (n.type !== 'call_expression' || !/^(?:path\.)?(?:join|resolve)$/.test(n.childForFieldName('function')?.text ?? '')) return undefined;
  const args = argsOf(n);
  if (args[0]?.text !== '__dirname') return undefined;
  const parts = args.slice(1).map((a) => stringValue(a));
  return parts.every((p): p is string => p !== undefined) ? path.resolve(here, ...parts) : undefined;
}
