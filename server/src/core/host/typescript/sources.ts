/**
 * Where raw SQL starts in TypeScript / JavaScript code, and only where the
 * text is surely handed to a database call (issue 10: a string that merely
 * looks like SQL is not SQL):
 *
 * - driver methods given a SQL string (literal, template, `+` concatenation, or a
 *   `const` holding one): node-postgres and mysql2 `query`/`execute` (also as
 *   `{ text, values }`), postgres.js `sql.unsafe`, `knex.raw` / `db.raw`,
 *   better-sqlite3 / `node:sqlite` `prepare` and `exec`, node-sqlite3 `all`/`get`/`run`/`each`,
 *   pg-promise `any`/`one`/`oneOrNone`/`none`/`many`/`manyOrNone`, Prisma
 *   `$queryRawUnsafe`/`$executeRawUnsafe`, redbean-node `R.getAll`/`getRow`/`exec`...;
 * - tagged templates that run: postgres.js `` sql`...` `` (awaited, returned, or
 *   run by `.execute()`/`.cursor()`/`.forEach()`), Kysely's `` sql`...`.execute(db) ``,
 *   Prisma's `` $queryRaw`...` ``: each `${}` hole is a parameter, unless it is a
 *   fragment (`${sql(columns)}`, `${sql`...`}`, `${sql.ref(..)}`, `${Prisma.join(..)}`):
 *   then the text is not known and the query is skipped quietly.
 */
import type { Dialect } from '../../../../../shared/types';
import { looksLikeSql } from '../statement-kind';
import type { EmbeddedSql, Terminal } from '../types';
import type { FileLibraries, Library } from './libraries';
import { decode, embeddedSql, isStringExpression, type PlaceholderStyle } from './strings';
import { asCall, type Call, expressionRoots, type Node, outerOf, rootIdentifier, unwrap, walk } from './syntax';

/** Methods that run the SQL string they are given, with the terminal they imply (undefined: read from the use). */
export const RAW_METHODS: Record<string, Terminal | undefined> = {
  query: undefined, // pg, mysql2, mysql, @vercel/postgres' db.query
  execute: undefined, // mysql2
  unsafe: undefined, // postgres.js
  raw: undefined, // knex
  prepare: 'unknown', // better-sqlite3, node:sqlite, bun:sqlite: a statement, run later
  exec: 'execute', // better-sqlite3, node:sqlite, node-sqlite3
  all: 'all', get: 'first', run: 'execute', each: 'iterate', // node-sqlite3, sqlite
  any: 'all', many: 'all', manyOrNone: 'all', one: 'one', oneOrNone: 'one_or_none', none: 'execute', result: 'all', // pg-promise
  $queryRawUnsafe: 'all', $executeRawUnsafe: 'execute', // Prisma
  getAll: 'all', getRow: 'first', getCol: 'all', getCell: 'scalar', getAssoc: 'all', getAssocRow: 'first', // redbean-node
};

/**
 * Method names other APIs have too (`cache.get(key)`, `items.all()`): SQL only on a receiver of a
 * library that has them, or in a file that imports one.
 */
const AMBIGUOUS: Partial<Record<string, Library[]>> = {
  all: ['sqlite'], get: ['sqlite'], run: ['sqlite'], each: ['sqlite'], exec: ['sqlite', 'redbean'],
  any: ['pg-promise'], many: ['pg-promise'], manyOrNone: ['pg-promise'], one: ['pg-promise'], oneOrNone: ['pg-promise'], none: ['pg-promise'], result: ['pg-promise'],
  getAll: ['redbean'], getRow: ['redbean'], getCol: ['redbean'], getCell: ['redbean'], getAssoc: ['redbean'], getAssocRow: ['redbean'],
};

/**
 * Whether a text may call one of `RAW_METHODS` that is no other API's too (`db.query(`, `.execute<T>(`, ...):
 * a method given arguments; the ambiguous ones (`.all(`, `.get(`) are read only in a file that imports a
 * database library (libraries.ts).
 */
export function mayCallRawMethod(text: string): boolean {
  return RAW_METHOD_NAME.test(text);
}

const RAW_METHOD_NAME = new RegExp(`\\.\\s*(?:${Object.keys(RAW_METHODS).filter((name) => !Object.hasOwn(AMBIGUOUS, name)).map((name) => name.replace('$', '\\$')).join('|')})\\s*(?:<[\\s\\S]*?>\\s*)?\\(`);

/** What runs a statement made by `prepare` (better-sqlite3, node:sqlite), and what passes it on. */
export const STATEMENT_RUNS: Record<string, Terminal> = { all: 'all', get: 'first', run: 'execute', iterate: 'iterate' };
export const STATEMENT_PASSES = new Set(['pluck', 'raw', 'expand', 'bind', 'safeIntegers', 'setReadBigInts', 'setReturnArrays']);

/** Tagged-template calls that run a postgres.js query, and what they do with the rows. */
export const TAG_RUNS: Record<string, Terminal> = { execute: 'all', cursor: 'iterate', forEach: 'iterate', values: 'all', raw: 'all', simple: 'all', stream: 'iterate' };

/** A piece of SQL text the code sends, before its call chain and its use are read. */
export interface SqlSource {
  /** The expression holding the text (literal, template, concatenation). */
  text: Node;
  sql: EmbeddedSql;
  /** Identifiers the values come from (holes, the values argument). */
  roots: Set<string>;
  library?: Library;
  /** The template's `${}` holes (template_substitution nodes), and the values argument's items, for bound patterns. */
  holes: Node[];
  values: Node[];
}

export interface Origin {
  /** The call or tagged template that starts the chain. */
  node: Node;
  source: SqlSource;
  /** `query`, `prepare`, `` sql`` ``, `$queryRaw`... */
  api: string;
  /** The terminal the API fixes, if it does. */
  terminal?: Terminal;
  /** A tagged template: it runs only when awaited / executed (else it is a fragment or built for later). */
  tag?: 'postgres' | 'kysely' | 'prisma';
}

export interface SourceContext {
  libraries: FileLibraries;
  /** The configured dialect (placeholders follow it when the code does not tell). */
  dialect?: Dialect;
  /** The `const` initialiser a name refers to at a node, if any. */
  constValue: (name: string, at: Node) => Node | undefined;
}

/** The SQL a driver method call runs, when it is one. */
export function rawCallOrigin(call: Call, ctx: SourceContext): Origin | undefined {
  const name = call.name;
  if (!name || !Object.hasOwn(RAW_METHODS, name) || call.template || call.args.length === 0) return undefined;
  // Plain functions `all(..)`, `get(..)`, `query(..)` are not drivers; methods on a receiver are.
  if (!call.receiver) return undefined;
  const library = libraryOf(call.receiver, ctx);
  const needs = AMBIGUOUS[name];
  if (needs && !(library ? needs.includes(library) : needs.some((l) => ctx.libraries.libraries.has(l)))) return undefined;
  if (library === 'drizzle' || library === 'kysely' || (library === 'prisma' && !name.startsWith('$'))) return undefined;
  let first = unwrap(call.args[0]!);
  let valuesArg: Node | undefined = call.args[1];
  // `query(text)` where `const text = '...'` (or `{ text, values }`) was written before, or a class field (`this.findSql`).
  first = unwrap(namedValue(first, call.node, ctx) ?? first);
  if (first.type === 'object' && (name === 'query' || name === 'execute')) {
    const text = pairValue(first, 'text') ?? pairValue(first, 'sql');
    if (!text) return undefined;
    valuesArg = pairValue(first, 'values') ?? valuesArg;
    first = unwrap(text);
    first = unwrap(namedValue(first, call.node, ctx) ?? first);
  }
  if (!isStringExpression(first)) return undefined;
  const decoded = decode(first);
  if (!decoded || !looksLikeSql(decoded.text)) return undefined;
  // Nothing in the code names the database, but the text does: `?` parameters and backquoted names are not PostgreSQL's
  // (SQLite reads both, and MySQL's too), so the SQL is read as SQLite's rather than left unreadable.
  const named = dialectOf(call.receiver, library, ctx);
  const told = named ?? (ctx.dialect ? undefined : textDialect(decoded.text));
  const style: PlaceholderStyle = { dialect: told ?? ctx.dialect, identifierHoles: true, ...(name === 'raw' ? { knexBindings: true } : {}) };
  const sql = embeddedSql(decoded, style);
  if (!sql) return undefined;
  if (told) sql.dialect = told;
  else delete sql.dialect;
  if (told && !named) sql.dialectGuessed = true;
  const roots = new Set<string>();
  for (const hole of decoded.holes) expressionRoots(hole.expression, roots);
  for (const arg of [valuesArg, ...call.args.slice(2)]) if (arg && !isCallback(arg)) expressionRoots(arg, roots);
  const valueList = valuesArg && unwrap(valuesArg).type === 'array' ? unwrap(valuesArg).namedChildren.filter((c) => c.type !== 'comment') : [];
  const holes = decoded.holes.map((h) => h.node).filter((h) => h.type === 'template_substitution');
  return { node: call.node, source: { text: first, sql, roots, holes, values: valueList, ...(library ? { library } : {}) }, api: name, terminal: RAW_METHODS[name] };
}

/** The value a name stands for at `at`: a `const`'s initialiser, or a field's (`memberValue`). */
function namedValue(node: Node, at: Node, ctx: SourceContext): Node | undefined {
  if (node.type === 'identifier') return ctx.constValue(node.text, at);
  if (node.type === 'member_expression') return memberValue(node, ctx);
  return undefined;
}

/** Class fields in the TypeScript (`public_field_definition`) and JavaScript (`field_definition`) grammars. */
const FIELDS = new Set(['public_field_definition', 'field_definition']);

/**
 * The initialiser a member expression reads, when the file shows it and nothing
 * assigns it again:
 * - `this.findSql`: a field of the enclosing class (`private readonly findSql = 'SELECT ..'`,
 *   `#sql = ..`, `static readonly LIST = ..` from a static method), `readonly` or never
 *   assigned with `this.findSql = ..` in the class; or, without an initialiser, assigned once in the
 *   class, by a statement of the constructor's own body (`this.findUser = db.prepare('..')`);
 * - `Repo.LIST`: a static field of a class the file declares;
 * - `QUERIES.find`: a property of a `const` object literal (`const QUERIES = { find: 'SELECT ..' }`).
 */
export function memberValue(member: Node, ctx: SourceContext): Node | undefined {
  const object = member.childForFieldName('object');
  const property = member.childForFieldName('property')?.text;
  if (!object || !property) return undefined;
  const target = unwrap(object);
  if (target.type === 'this') {
    const inClass = enclosingClassMember(member);
    return inClass ? fieldValue(inClass.body, property, inClass.isStatic) : undefined;
  }
  if (target.type !== 'identifier') return undefined;
  const declared = classNamed(member, target.text);
  if (declared) return fieldValue(declared, property, true);
  const value = ctx.constValue(target.text, member);
  const literal = value ? unwrap(value) : undefined;
  return literal?.type === 'object' ? pairValue(literal, property) : undefined;
}

/**
 * The class body `this` refers to at `node`, and whether it is the class itself (in a static
 * method or a static field's initialiser): the nearest class, past arrow functions (a `function` rebinds `this`).
 */
function enclosingClassMember(node: Node): { body: Node; isStatic: boolean } | undefined {
  let member: Node | undefined;
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'class_body') return { body: n, isStatic: !!member?.children.some((c) => c.type === 'static') };
    if (n.type === 'method_definition' || FIELDS.has(n.type)) member ??= n;
    if (n.type === 'function_declaration' || n.type === 'function_expression' || n.type === 'function' || n.type === 'generator_function' || n.type === 'generator_function_declaration') return undefined;
  }
  return undefined;
}

/** The file's class declarations by name, per tree. */
const classesByRoot = new WeakMap<Node, Map<string, Node[]>>();

/** The body of the class named `name` declared in the file (at any depth), if exactly one is. */
function classNamed(at: Node, name: string): Node | undefined {
  let root = at;
  while (root.parent) root = root.parent;
  let classes = classesByRoot.get(root);
  if (!classes) {
    classes = new Map();
    for (const c of root.descendantsOfType(['class_declaration', 'abstract_class_declaration'])) {
      const id = c.childForFieldName('name')?.text;
      if (id) classes.set(id, [...(classes.get(id) ?? []), c]);
    }
    classesByRoot.set(root, classes);
  }
  const found = classes.get(name);
  return found?.length === 1 ? (found[0]!.childForFieldName('body') ?? undefined) : undefined;
}

/** A field's initialiser in a class body, static or not as asked; a field assigned again in the class has none. */
function fieldValue(body: Node, name: string, isStatic: boolean): Node | undefined {
  const field = body.namedChildren.find((c) => FIELDS.has(c.type) && (c.childForFieldName('name') ?? c.childForFieldName('property'))?.text === name);
  const value = field?.childForFieldName('value');
  const modifiers = field?.children.map((c) => c.type) ?? [];
  if (field && modifiers.includes('static') !== isStatic) return undefined;
  if (!value) return isStatic ? undefined : constructorValue(body, name);
  if (!modifiers.includes('readonly') && assignments(body, name) > 0) return undefined;
  return value;
}

/** How many times the class assigns `this.name` (or `Class.name`): `=`, `+=`, `??=`, ... */
function assignments(body: Node, name: string): number {
  const escaped = name.replace(/[$#]/g, (c) => `\\${c}`);
  return body.text.match(new RegExp(`\\b(?:this|${className(body)})\\.${escaped}\\s*(?:[-+*/%&|^]|\\?\\?|\\|\\||&&)?=(?!=)`, 'g'))?.length ?? 0;
}

/** `this.name = value` as a statement of the constructor's own body (not under an `if` or a loop), the class's only assignment of it. */
function constructorValue(body: Node, name: string): Node | undefined {
  const constructor = body.namedChildren.find((c) => c.type === 'method_definition' && c.childForFieldName('name')?.text === 'constructor');
  const statements = constructor?.childForFieldName('body')?.namedChildren ?? [];
  for (const statement of statements) {
    const assignment = statement.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    if (assignment?.type !== 'assignment_expression') continue;
    const left = assignment.childForFieldName('left');
    if (left?.type !== 'member_expression' || left.childForFieldName('object')?.type !== 'this' || left.childForFieldName('property')?.text !== name) continue;
    return assignments(body, name) === 1 ? (assignment.childForFieldName('right') ?? undefined) : undefined;
  }
  return undefined;
}

function className(body: Node): string {
  return body.parent?.childForFieldName('name')?.text ?? 'this';
}

/** `` sql`...` `` (postgres.js, Kysely, @vercel/postgres), `` prisma.$queryRaw`...` ``: the query, when the tag is one. */
export function tagOrigin(call: Call, ctx: SourceContext): Origin | undefined {
  const template = call.template;
  if (!template) return undefined;
  const tag = tagKind(call, ctx);
  if (!tag) return undefined;
  const decoded = decode(template);
  if (!decoded || !looksLikeSql(decoded.text)) return undefined;
  const tagRoot = rootIdentifier(call.callee) ?? '';
  // postgres.js is PostgreSQL's; Kysely and Prisma talk the dialect the file configures; an unknown tag, the file's.
  const imported = call.callee.type === 'identifier' && ctx.libraries.names.get(call.callee.text)?.library === 'postgres';
  const told = tag === 'postgres' && imported ? 'postgres' : ctx.libraries.dialect;
  const sql = embeddedSql(decoded, {
    dialect: told ?? ctx.dialect ?? 'postgres',
    isFragment: (e) => isFragment(e, tagRoot, ctx),
  });
  if (!sql) return undefined;
  if (told) sql.dialect = told;
  else delete sql.dialect;
  const roots = new Set<string>();
  for (const hole of decoded.holes) expressionRoots(hole.expression, roots);
  const holes = decoded.holes.map((h) => h.node);
  return { node: call.node, source: { text: template, sql, roots, holes, values: [], library: tag === 'postgres' ? 'postgres' : tag }, api: tag === 'prisma' ? (call.name ?? '$queryRaw') : `${tagRoot}\`\``, tag };
}

/** Which tagged templates run SQL: Prisma's `$queryRaw`/`$executeRaw`, Kysely's imported `sql`, and postgres.js-style tags. */
function tagKind(call: Call, ctx: SourceContext): Origin['tag'] | undefined {
  if (call.name === '$queryRaw' || call.name === '$executeRaw' || call.name === '$queryRawUnsafe') return 'prisma';
  if (call.receiver) return undefined;
  if (call.callee.type !== 'identifier') return undefined;
  const binding = ctx.libraries.names.get(call.callee.text);
  if (binding) {
    if (binding.library === 'kysely' && binding.imported === 'sql') return 'kysely';
    if (binding.library === 'postgres' || binding.library === 'pg') return 'postgres'; // postgres.js, @vercel/postgres, neon
    // drizzle-orm's and slonik's `sql` build fragments and column references, not values.
    return undefined;
  }
  // A tag the file does not import from a known library (`sql` from the project's own db module, a
  // transaction's `tx` in `sql.begin(async (tx) => ..)`): postgres.js style when it runs (checked by the caller).
  if (ctx.libraries.libraries.has('drizzle') || ctx.libraries.libraries.has('slonik')) return undefined;
  return 'postgres';
}

/**
 * Whether a hole of a tagged template is SQL text rather than a value: a nested
 * tagged template, a call of the tag itself (`sql(columns)`, `sql.unsafe(..)`,
 * Kysely's `sql.ref(..)`/`sql.raw(..)`/`sql.id(..)`/`sql.table(..)`/`sql.lit(..)`/`sql.join(..)`),
 * Prisma's `Prisma.sql`/`join`/`raw`/`empty`, or a `const` holding one of these.
 */
function isFragment(expression: Node, tagRoot: string, ctx: SourceContext, hops = 0): boolean {
  let fragment = false;
  walk(expression, (n) => {
    if (fragment) return false;
    if (n.type === 'arrow_function' || n.type === 'function_expression') return false;
    const call = asCall(n);
    if (call?.template) fragment = true;
    else if (call) {
      const root = rootIdentifier(call.callee);
      // postgres.js values helpers: sql.json(x), sql.array(x), sql.typed(x); Kysely's sql.val(x) / sql.value(x).
      const valueHelper = call.receiver && ['json', 'array', 'typed', 'val', 'value'].includes(call.name ?? '');
      if ((root === tagRoot && !valueHelper) || root === 'Prisma') fragment = true;
    } else if (n.type === 'member_expression' && n.text === 'Prisma.empty') {
      fragment = true;
    } else if (n.type === 'identifier' && hops < 3 && n.parent?.type !== 'member_expression') {
      const value = ctx.constValue(n.text, n);
      if (value && isFragment(value, tagRoot, ctx, hops + 1)) fragment = true;
    }
  });
  return fragment;
}

/** The library a receiver belongs to: `pool` from `new Pool()`, `knex`, `this.db`... as far as the file tells. */
function libraryOf(receiver: Node, ctx: SourceContext): Library | undefined {
  const root = rootIdentifier(receiver);
  return root ? ctx.libraries.names.get(root)?.library : undefined;
}

function dialectOf(receiver: Node, library: Library | undefined, ctx: SourceContext): Dialect | undefined {
  const root = rootIdentifier(receiver);
  const binding = root ? ctx.libraries.names.get(root) : undefined;
  if (binding?.dialect) return binding.dialect;
  if (library === 'postgres' || library === 'pg' || library === 'pg-promise') return 'postgres';
  return ctx.libraries.dialect;
}

/** 'sqlite' for SQL written with `?` parameters or backquoted names (outside string literals), else nothing. */
function textDialect(sql: string): Dialect | undefined {
  const code = sql.replace(/'(?:[^']|'')*'/g, "''");
  return /\?|`/.test(code) && !/\$\d/.test(code) ? 'sqlite' : undefined;
}

function pairValue(object: Node, key: string): Node | undefined {
  for (const pair of object.namedChildren) {
    if (pair.type === 'pair' && pair.childForFieldName('key')?.text.replace(/['"]/g, '') === key) return pair.childForFieldName('value') ?? undefined;
    if (pair.type === 'shorthand_property_identifier' && pair.text === key) return pair;
  }
  return undefined;
}

function isCallback(node: Node): boolean {
  const n = unwrap(node);
  return n.type === 'arrow_function' || n.type === 'function_expression' || n.type === 'function';
}

/** The expression a call's result flows into, past parentheses and type assertions. */
export function consumerOf(node: Node): { parent: Node | null; child: Node } {
  return outerOf(node);
}
