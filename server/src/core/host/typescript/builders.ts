/**
 * knex and Kysely query-builder chains → QueryModel, as python/orm-query.ts
 * does for SQLAlchemy: the chain is read step by step (`knex('users')`,
 * `.where({...})`, `.orderBy(...)`, `.limit(...)`, `.first()`;
 * `db.selectFrom('users')`, `.where('a', '=', x)`, `.executeTakeFirst()`)
 * and every span is a file offset, so every SQL rule applies to the query the
 * builder sends.
 *
 * Only what is certain is rendered: a part that is dynamic (a spread in a
 * where object, a computed column, a callback QueryLens cannot read) is left
 * out when leaving it out keeps the rest true (more ANDed conditions), and the
 * chain is not read at all when it could change what the rest means (an
 * unknown method, `.modify(fn)` with a function defined elsewhere, a `$if`
 * that may add a limit or a join).
 *
 * Choices where the libraries leave room:
 * - `select *` is marked (`selectStar`) only where the code writes it
 *   (`.select('*')`, `.selectAll()`): a knex chain without `.select` sends
 *   `select *` too, but that is how knex reads a whole row, as a SQLAlchemy
 *   entity query does, and is not flagged there either.
 * - Values are `literal` when the code writes a literal (both libraries bind
 *   it as a parameter all the same), `null`, `column` (`knex.ref`, `eb.ref`,
 *   `whereColumn`, `whereRef`), `subquery` (a callback or builder chain, read
 *   into `subqueries` when it can be), `expression` (`knex.raw`, `sql```) or
 *   `param`.
 * - The terminal: awaited knex chains and `.execute()` return every row
 *   ('all'); `.first()` / `executeTakeFirst()` one ('first'),
 *   `executeTakeFirstOrThrow()` exactly one ('one'); `.stream()` iterates;
 *   writes without `returning` are 'execute'; a chain neither awaited nor
 *   executed is 'unknown' (a query object handed on).
 */
import { emptyQuery, resolveColumns } from '../../sql/build';
import type { ColumnRef, JoinInfo, Predicate, PredicateOp, QueryModel, Span, StatementKind, TableRef, ValueKind } from '../../sql/model';
import type { SyntaxNode } from '../treesitter';
import type { HostQuery, OrmId, Terminal } from '../types';
import { argsOf, rootOf } from './syntax';
import { forLastText } from '../../last-text';

export interface BuiltQuery {
  /** The query builder or ORM that sends it. */
  library: 'knex' | 'kysely' | OrmId;
  /** The query the builder sends, spans in file coordinates (column spans on the written column names). */
  model: QueryModel;
  statementKind: StatementKind;
  terminal: Terminal;
  /** The whole chain. */
  span: Span;
  /** Offset where `.limit(n)` would be inserted. */
  beforeTerminal?: number;
  /** Identifiers used as values (`orgId`, `user.id` → 'user'). */
  parameterRoots: string[];
  /** ORM: the model queried, by the name code uses (`User` of `prisma.user.findMany`). */
  entity?: string;
  /** An INSERT of many rows in one statement (Prisma's `createMany`). */
  manyRows?: boolean;
  /** The chain writes a filter the reader could not read (a where on a computed column, an object built elsewhere, raw SQL): the model's conditions are not all it sends. */
  unreadFilter?: boolean;
  /** ORM: relations of other models that load this query's rows with theirs (`HostQuery.loadedWith`). */
  loadedWith?: HostQuery['loadedWith'];
  /** ORM: the queries the same call sends after this one to load relations (Prisma's `include`), each spanning the relation's key. */
  relationQueries?: BuiltQuery[];
  /** ORM: the query loads a relation of another query's rows (`HostQuery.loadsRelation`). */
  loadsRelation?: HostQuery['loadsRelation'];
}

/** A method call of the chain: `.where(...)` is { name: 'where', call, args }. */
interface Step {
  name: string;
  call: SyntaxNode;
  /** The method name's node (`where`). */
  nameNode: SyntaxNode;
  args: SyntaxNode[];
}

/** Names a knex instance (or transaction) usually goes by, when the file does not say what they are. */
const KNEX_NAMES = new Set(['knex', 'db', 'trx']);
/** knex methods a chain can start with on the instance itself (`knex.from('t')`, `knex.select('a').from('t')`). */
const KNEX_STARTS = new Set(['from', 'select', 'table', 'insert', 'into', 'column', 'columns', 'distinct', 'first', 'withSchema', 'count', 'queryBuilder', 'update', 'del', 'delete']);
/** Kysely's query starts, by the statement they build. */
const KYSELY_STARTS: Record<string, StatementKind> = { selectFrom: 'select', insertInto: 'insert', updateTable: 'update', deleteFrom: 'delete' };
/** Steps that change nothing QueryLens models. */
const NEUTRAL = new Set([
  'forUpdate', 'forShare', 'forNoKeyUpdate', 'forKeyShare', 'skipLocked', 'noWait', 'timeout', 'clone', 'options', 'connection',
  'transacting', 'debug', 'comment', 'hintComment', 'clearCounters', 'onConflict', 'ignore', 'merge',
  '$narrowType', '$castTo', '$assertType', 'modifyEnd', 'top',
]);
/** Steps that do not send the query (its SQL text, a copy). */
const NOT_SENT = new Set(['toSQL', 'toString', 'toQuery', 'toNative', 'compile', 'explain', 'toOperationNode', 'as']);
const LITERALS = new Set(['string', 'number', 'true', 'false']);
/** Identifiers that are not values of the program (`undefined`, ...). */
const NOT_VALUES = new Set(['undefined', 'NaN', 'Infinity']);

const COMPARISONS: Record<string, PredicateOp> = {
  '=': 'eq', '==': 'eq', '<>': 'not_eq', '!=': 'not_eq', '<': 'range', '<=': 'range', '>': 'range', '>=': 'range',
  in: 'in', 'not in': 'not_eq', like: 'like', 'not like': 'not_eq', ilike: 'ilike', 'not ilike': 'not_eq',
  is: 'is_null', 'is not': 'not_eq', 'is distinct from': 'not_eq', 'is not distinct from': 'eq', between: 'range',
};

/**
 * Whether a text may hold a chain `builderQuery` reads: a Kysely query start, knex named (a
 * binding `isKnexInstance` takes for knex: `knex(...)`, a `Knex` type), or one of the usual
 * names used as an instance there (`db('users')`, `trx<User>(..)`, `(db as Knex)(..)`, `db.from(..)`,
 * `this.db.select(..)`, `db.transaction(..)`, whose callback's parameter or result is one). A
 * `db` used otherwise (Prisma's `db.user.findMany`, `import { db }`, a Kysely migration's
 * `up(db)` and `db.schema`) builds no chain read here; a third of some projects' files
 * (dokploy, docmost, umami) name it so and were parsed for nothing.
 */
export function mayBuildQuery(text: string): boolean {
  return MAY_BUILD.test(text);
}

/** `mayBuildQuery` of the last text asked (a file's calls are offered one by one). */
const buildsIn = forLastText(mayBuildQuery);

/** Spaces and comments between two tokens. */
const GAP = String.raw`(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*`;
/**
 * What follows a knex instance's name in a chain's base, up to the call or the start method
 * (`unwrap`'s wrappers: a closing parenthesis, `!`, `as`, `satisfies`; type arguments; `?.`).
 */
const AS_INSTANCE = String.raw`(?:${GAP}[!)])*${GAP}(?:[(<]|as\b|satisfies\b|\?\.${GAP}\(|\??\.${GAP}(?:${[...KNEX_STARTS, 'transaction'].join('|')})\b)`;
const MAY_BUILD = new RegExp(String.raw`\b(?:${[...Object.keys(KYSELY_STARTS), 'knex', 'Knex'].join('|')})\b|\b(?:${[...KNEX_NAMES].join('|')})\b${AS_INSTANCE}`);

/** The query a knex/Kysely chain sends, given the outermost node of the chain (an `await_expression` or the outermost `call_expression`); undefined when the node is not a builder chain QueryLens can read. */
export function builderQuery(node: SyntaxNode, text: string): BuiltQuery | undefined {
  // Most files offer every call here (an ORM's project) and name no builder: knex's verdicts would walk their every binding.
  if (!buildsIn(text)) return undefined;
  let awaited = node.type === 'await_expression';
  const top = unwrap(awaited ? node.namedChildren[0] : node);
  if (!top || top.type !== 'call_expression') return undefined;
  const { base, steps } = splitChain(top);
  if (!base) return undefined;
  // `await db<User>('users')` reads as `(await db)<User>(...)` in tree-sitter's TypeScript.
  const root = base.type === 'call_expression' && base.childForFieldName('function')?.type === 'await_expression' ? base : undefined;
  if (root) awaited = true;
  const program = rootOf(node);
  const built = kyselyQuery(base, steps, program, text) ?? knexQuery(base, steps, program, text, awaited || sentByParent(node));
  return built && { ...built, span: spanOf(node) };
}

// ---------------------------------------------------------------------------------------------
// The chain

function unwrap(node: SyntaxNode | undefined | null): SyntaxNode | undefined {
  let n = node ?? undefined;
  while (n && (n.type === 'parenthesized_expression' || n.type === 'non_null_expression' || n.type === 'as_expression' || n.type === 'satisfies_expression')) {
    n = n.namedChildren[0];
  }
  return n;
}

/** `a.b(..).c(..)` → base `a`, steps b, c (in source order). A call of a non-member (`knex('t')`) is the base. */
function splitChain(top: SyntaxNode): { base?: SyntaxNode; steps: Step[] } {
  const steps: Step[] = [];
  let n: SyntaxNode | undefined = top;
  while (n?.type === 'call_expression') {
    const fn = unwrap(n.childForFieldName('function'));
    if (fn?.type !== 'member_expression') break;
    const nameNode = fn.childForFieldName('property');
    if (!nameNode || nameNode.type !== 'property_identifier' || fn.text.includes('?.')) return { steps };
    steps.push({ name: nameNode.text, call: n, nameNode, args: argsOf(n) });
    n = unwrap(fn.childForFieldName('object'));
  }
  return { base: n, steps: steps.reverse() };
}

/**
 * A knex chain is sent when it is awaited, returned from an async function
 * (which awaits what it returns: `return knex('t')...`, `async () => knex('t')`)
 * or handed to `Promise.all([...])`. Returned from a plain function, the
 * builder goes back to the caller, who may add to it.
 */
export function sentByParent(node: SyntaxNode): boolean {
  const p = node.parent;
  if (p?.type === 'await_expression') return true;
  if (p?.type === 'return_statement' || (p?.type === 'arrow_function' && p.childForFieldName('body')?.id === node.id)) {
    let fn: SyntaxNode | null = p;
    while (fn && !FUNCTIONS.has(fn.type)) fn = fn.parent;
    return !!fn?.children.some((c) => c.type === 'async');
  }
  const call = p?.type === 'array' ? p.parent?.parent : undefined;
  return call?.type === 'call_expression' && /^Promise\.(all|allSettled)$/.test(call.childForFieldName('function')?.text ?? '');
}

const FUNCTIONS = new Set(['arrow_function', 'function_expression', 'function_declaration', 'method_definition', 'generator_function_declaration']);

/** `.limit(10)` without the dot: from the method name to the closing parenthesis. */
function stepSpan(step: Step): Span {
  return { start: step.nameNode.startIndex, end: step.call.endIndex };
}

function spanOf(node: SyntaxNode): Span {
  return { start: node.startIndex, end: node.endIndex };
}

/** A string literal without escapes or holes: its value and where the value starts in the file. */
interface Str {
  value: string;
  start: number;
  node: SyntaxNode;
}

function str(node: SyntaxNode | undefined): Str | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  if (n.type === 'string' || (n.type === 'template_string' && n.namedChildren.every((c) => c.type === 'string_fragment'))) {
    if (n.namedChildren.some((c) => c.type !== 'string_fragment')) return undefined;
    return { value: n.text.slice(1, -1), start: n.startIndex + 1, node: n };
  }
  return undefined;
}

/** `name as alias` / `name AS alias` split; offsets relative to the string's value. */
function splitAlias(s: Str): { name: string; alias?: string; span: Span } {
  const m = /^(\s*)(.+?)(?:\s+as\s+(\S+))?\s*$/i.exec(s.value);
  if (!m) return { name: s.value, span: { start: s.start, end: s.start + s.value.length } };
  const start = s.start + m[1].length;
  return { name: m[2], ...(m[3] ? { alias: m[3] } : {}), span: { start, end: start + m[2].length } };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)*$/;

// ---------------------------------------------------------------------------------------------
// The instance: is the chain's base a knex instance?

/** Whether `base` (the callee of `X('t')` or the receiver of `X.from('t')`) is a knex instance. */
function isKnexInstance(base: SyntaxNode, program: SyntaxNode): boolean {
  const b = unwrap(base.type === 'await_expression' ? base.namedChildren[0] : base);
  if (!b) return false;
  let name: string;
  let member = false;
  if (b.type === 'identifier') name = b.text;
  else if (b.type === 'member_expression' && b.childForFieldName('property')?.type === 'property_identifier') {
    const obj = b.childForFieldName('object');
    if (obj?.type !== 'this' && obj?.type !== 'identifier' && obj?.type !== 'member_expression') return false;
    name = b.childForFieldName('property')!.text;
    member = true;
  } else return false;
  // Unknown to the file, a usual name counts: `db(...)`, `this.db(...)`, but not `client.db(...)` (MongoDB's).
  return bindingVerdict(name, program, member) ?? (KNEX_NAMES.has(name) && (!member || b.childForFieldName('object')?.type === 'this'));
}

/**
 * What the file says about `name`: true when it is bound to knex (`knex(...)`,
 * `require('knex')(...)`, a `Knex` type, a transaction), false when it is bound
 * to something else, undefined when the file does not say (an import, a
 * parameter without a type).
 */
function bindingVerdict(name: string, program: SyntaxNode, member: boolean): boolean | undefined {
  // Asked for every chain of the file: each name's verdict is decided once per tree
  // (a name asked again while its own verdict is being decided — `trx` of a transaction on `trx` — tells nothing).
  let known = verdicts.get(program);
  if (!known) verdicts.set(program, (known = { byName: new Map() }));
  const key = `${member ? '.' : ''}${name}`;
  if (known.byName.has(key)) {
    const said = known.byName.get(key);
    if (said === PENDING) return undefined;
    heard?.(key, said);
    return said;
  }
  known.byName.set(key, PENDING);
  let verdict: boolean | undefined;
  for (const { decl, value, type } of namedBindings(name, program, member)) {
    const says = type ? /\bKnex\b/.test(type.text) : value ? knexValue(value) : transactionParameter(decl, program);
    if (says === true) {
      verdict = true;
      break;
    }
    if (says === false) verdict = false;
  }
  known.byName.set(key, verdict);
  heard?.(key, verdict);
  return verdict;
}

const PENDING = Symbol('pending');

/** Told every name's verdict a chain is read with, while `hearingVerdicts` runs. */
let heard: ((key: string, verdict: boolean | undefined) => void) | undefined;

/**
 * Runs `read` telling `hear` the knex verdict of every name the chains read
 * look up (key: the name, `.name` for a member): what a function's builder
 * queries depend on outside it. extract.ts keeps them with the function's
 * cached findings and asks `knexVerdict` again on the next version's tree.
 */
export function hearingVerdicts<T>(hear: (key: string, verdict: boolean | undefined) => void, read: () => T): T {
  const before = heard;
  heard = hear;
  try {
    return read();
  } finally {
    heard = before;
  }
}

/** The verdict `hearingVerdicts` told for `key`, on the tree `program`. */
export function knexVerdict(key: string, program: SyntaxNode): boolean | undefined {
  return key.startsWith('.') ? bindingVerdict(key.slice(1), program, true) : bindingVerdict(key, program, false);
}
const verdicts = new WeakMap<SyntaxNode, { byName: Map<string, boolean | undefined | typeof PENDING> }>();

/**
 * The file's bindings of `name`, in document order. Read once per top-level
 * statement and grouped by name, kept per statement node (an edit's copy of the
 * tree takes the unchanged ones over, treesitter.ts): typing reads only the
 * statement it changed.
 */
function namedBindings(name: string, program: SyntaxNode, member: boolean): Binding[] {
  const byStatement = member ? memberBindings : plainBindings;
  const out: Binding[] = [];
  for (const statement of program.children) {
    let byName = byStatement.get(statement);
    if (!byName) {
      byName = new Map();
      for (const binding of bindings(statement, member)) {
        const list = byName.get(binding.bound.text);
        if (list) list.push(binding);
        else byName.set(binding.bound.text, [binding]);
      }
      byStatement.set(statement, byName);
    }
    const list = byName.get(name);
    if (list) for (const b of list) out.push(b);
  }
  return out;
}

const plainBindings = new WeakMap<SyntaxNode, Map<string, Binding[]>>();
const memberBindings = new WeakMap<SyntaxNode, Map<string, Binding[]>>();

interface Binding {
  decl: SyntaxNode;
  bound: SyntaxNode;
  value?: SyntaxNode;
  type?: SyntaxNode;
}

/** Where a statement binds names: declarations, assignments, parameters (TypeScript's and JavaScript's); for `member`, fields and `this.x = ...`. */
function* bindings(statement: SyntaxNode, member: boolean): Iterable<Binding> {
  const kinds = member
    ? ['public_field_definition', 'property_signature', 'required_parameter', 'assignment_expression']
    : ['variable_declarator', 'required_parameter', 'optional_parameter', 'assignment_expression', 'formal_parameters', 'arrow_function'];
  for (const d of statement.descendantsOfType(kinds)) {
    if (d.type === 'formal_parameters') {
      // JavaScript: plain identifiers
      for (const p of d.namedChildren) if (p.type === 'identifier') yield { decl: p, bound: p };
    } else if (d.type === 'arrow_function') {
      const p = d.childForFieldName('parameter');
      if (p?.type === 'identifier') yield { decl: p, bound: p };
    } else if (d.type === 'assignment_expression') {
      const left = d.childForFieldName('left');
      const target = member ? (left?.type === 'member_expression' ? left.childForFieldName('property') : null) : left;
      const value = d.childForFieldName('right') ?? undefined;
      if (target?.type === 'identifier' || target?.type === 'property_identifier') yield { decl: d, bound: target, ...(value ? { value } : {}) };
    } else {
      const bound = d.childForFieldName(d.type === 'variable_declarator' || d.type.endsWith('definition') || d.type === 'property_signature' ? 'name' : 'pattern');
      const value = d.childForFieldName('value') ?? undefined;
      const type = d.childForFieldName('type') ?? undefined;
      if (bound) yield { decl: d, bound, ...(value ? { value } : {}), ...(type ? { type } : {}) };
    }
  }
}

/** The parameter of the callback a knex instance runs a transaction with (`knex.transaction(async (trx) => ...)`). */
function transactionParameter(param: SyntaxNode, program: SyntaxNode): boolean | undefined {
  if (param.type !== 'identifier' && !param.type.endsWith('_parameter')) return undefined;
  const fn = param.parent?.type === 'formal_parameters' ? param.parent.parent : param.parent;
  const call = fn?.parent?.type === 'arguments' ? fn.parent.parent : undefined;
  const callee = call?.type === 'call_expression' ? unwrap(call.childForFieldName('function')) : undefined;
  if (callee?.type !== 'member_expression' || callee.childForFieldName('property')?.text !== 'transaction') return undefined;
  return isKnexInstance(callee.childForFieldName('object')!, program) || undefined;
}

function knexValue(value: SyntaxNode): boolean | undefined {
  const v = unwrap(value.type === 'await_expression' ? value.namedChildren[0] : value);
  if (!v) return undefined;
  if (v.type === 'call_expression') {
    const fn = unwrap(v.childForFieldName('function'));
    const callee = fn?.text ?? '';
    if (/^(knex|Knex|require\(\s*['"]knex['"]\s*\))$/.test(callee) || /^(knex|Knex)\.(knex|default)$/.test(callee)) return true;
    if (/\.transaction$/.test(callee) && fn?.type === 'member_expression') return isKnexInstance(fn.childForFieldName('object')!, rootOf(v)) ? true : undefined;
    return undefined; // a factory of the project's (`getDb()`, `require('./db')`): the file does not say
  }
  if (v.type === 'new_expression' || v.type === 'object' || v.type === 'array' || LITERALS.has(v.type) || v.type === 'arrow_function') return false;
  return undefined; // another name, a member: the file does not say
}

// ---------------------------------------------------------------------------------------------
// What both libraries share: tables, columns, predicates, values

class Builder {
  model: QueryModel;
  roots = new Set<string>();
  /** Nothing may be claimed about the predicates' conjunction (an OR at the top level). */
  anyOr = false;
  /** A filter step was written that added no condition read here (`unreadFilter` of BuiltQuery). */
  unreadFilter = false;
  constructor(
    kind: StatementKind,
    private readonly program: SyntaxNode,
    private readonly text: string,
  ) {
    this.model = emptyQuery(kind);
  }

  /** `'users'`, `'users as u'`, `'app.users'`: a table reference. */
  table(node: SyntaxNode | undefined): TableRef | undefined {
    const n = unwrap(node);
    if (n?.type === 'object' && n.namedChildren.length === 1 && n.namedChildren[0].type === 'pair') {
      // knex's `{ u: 'users' }`
      const pair = n.namedChildren[0];
      const key = pair.childForFieldName('key');
      const t = this.table(pair.childForFieldName('value') ?? undefined);
      const alias = key?.type === 'property_identifier' ? key.text : str(key ?? undefined)?.value;
      return t && alias && !t.alias ? { ...t, alias } : undefined;
    }
    const s = str(n);
    if (!s) return undefined;
    const { name, alias, span } = splitAlias(s);
    if (!IDENT.test(name)) return undefined;
    const dot = name.lastIndexOf('.');
    return { name: name.slice(dot + 1), ...(dot > 0 ? { schema: name.slice(0, dot) } : {}), ...(alias ? { alias } : {}), span };
  }

  /** A joined table (its conditions to be added); undefined when the table is not a plain name. */
  join(node: SyntaxNode | undefined, kind: JoinInfo['kind']): JoinInfo | undefined {
    const table = this.table(node);
    if (!table) return undefined;
    const join: JoinInfo = { table, kind, conditions: [] };
    this.model.joins.push(join);
    return join;
  }

  addTable(node: SyntaxNode | undefined): boolean {
    const t = this.table(node);
    if (t) this.model.tables.push(t);
    return t !== undefined;
  }

  /** A column named in a string (`'name'`, `'u.name'`, `'name as n'`), span on the name as written. */
  column(node: SyntaxNode | undefined): ColumnRef | undefined {
    const s = str(node);
    if (!s) return undefined;
    const { name, span } = splitAlias(s);
    return columnRef(name, span);
  }

  /** An object key (`{ org_id: x }`, `{ 'u.org_id': x }`, `{ orgId }`) as a column. */
  keyColumn(key: SyntaxNode): ColumnRef | undefined {
    if (key.type === 'property_identifier' || key.type === 'shorthand_property_identifier') return columnRef(key.text, spanOf(key));
    return this.column(key);
  }

  /** Names of the callback being read (`eb`, `qb`): not values of the program. */
  hidden = new Set<string>();

  note(value: SyntaxNode | undefined): void {
    if (!value) return;
    const found = new Set<string>();
    valueRoots(value, found);
    for (const name of found) if (!this.hidden.has(name)) this.roots.add(name);
  }

  valueKind(value: SyntaxNode | undefined): ValueKind {
    const v = unwrap(value);
    if (!v) return 'param';
    if (v.type === 'null') return 'null';
    if (LITERALS.has(v.type) || str(v)) return 'literal';
    if (v.type === 'array' && v.namedChildren.every((c) => LITERALS.has(c.type))) return 'literal';
    if (v.type === 'arrow_function' || v.type === 'function_expression' || v.type === 'function') return 'subquery';
    if (v.type === 'call_expression') {
      const { base, steps } = splitChain(v);
      const last = steps[steps.length - 1]?.name;
      if (last === 'ref' || (base?.text === 'eb' && last === 'ref')) return 'column';
      if (last === 'raw' || base?.text === 'sql' || v.childForFieldName('function')?.text === 'sql') return 'expression';
      if (base && (kyselyStart(steps) || (base.type === 'call_expression' && isKnexInstance(base.childForFieldName('function')!, this.program)))) return 'subquery';
    }
    return 'param';
  }

  push(column: ColumnRef, op: PredicateOp, value: SyntaxNode | undefined, disjunctive: boolean, span: Span): Predicate {
    const valueKind: ValueKind = value ? this.valueKind(value) : 'literal';
    if (value) this.note(value);
    if (valueKind === 'subquery' && value) this.subquery(value);
    const p: Predicate = { column, op, valueKind: op === 'is_null' ? 'null' : valueKind, disjunctive, span };
    if (op === 'like' || op === 'ilike') {
      const pattern = value ? likePattern(value, this.program, this.text) : undefined;
      if (pattern !== undefined) p.pattern = pattern;
    }
    this.model.predicates.push(p);
    return p;
  }

  /** `('t.a', 't2.b')` / `('t.a', '=', 't2.b')`, written with two column names (knex's whereColumn, Kysely's whereRef). */
  columnComparison(args: SyntaxNode[], span: Span): void {
    const [l, op, r] = args.length === 2 ? [args[0], undefined, args[1]] : args;
    const left = this.column(l);
    const right = this.column(r);
    const operator = op ? str(op)?.value.toLowerCase().trim() : '=';
    if (!left || !right || operator === undefined) return;
    if (operator === '=') return this.equality(left, right, false, span);
    this.model.predicates.push({ column: left, op: COMPARISONS[operator] ?? 'other', valueKind: 'column', valueColumn: right, disjunctive: false, span });
  }

  /** `t.a = t2.b` between two columns: an implicit join, kept on both sides. */
  equality(left: ColumnRef, right: ColumnRef, disjunctive: boolean, span: Span): void {
    this.model.predicates.push({ column: left, op: 'eq', valueKind: 'column', valueColumn: right, disjunctive, span });
    if (!disjunctive) this.model.equalities.push({ left, right });
  }

  orderItem(column: ColumnRef | undefined, direction: SyntaxNode | undefined): void {
    if (!column) return;
    const dir = str(direction)?.value.toLowerCase();
    this.model.orderBy.push({ column, desc: dir === 'desc' });
  }

  /** The steps both libraries write alike: `.groupBy('a')` / `.groupBy(['a', 'b'])`, `.limit(n)`, `.offset(n)`. */
  sharedStep(step: Step): boolean {
    if (step.name === 'limit' || step.name === 'offset') {
      this.bound(step.name, step);
      return true;
    }
    if (step.name !== 'groupBy') return false;
    for (const a of step.args) {
      const n = unwrap(a);
      for (const c of n?.type === 'array' ? n.namedChildren : [n]) {
        const col = this.column(c);
        if (col) this.model.groupBy.push(col);
      }
    }
    return true;
  }

  /** `{ a: x, 'u.b': y, c: null, d, ...rest }`: one predicate a key; a spread adds conditions unknown here (left out). */
  objectPredicates(obj: SyntaxNode, op: (value: SyntaxNode | undefined) => PredicateOp, disjunctive: boolean): void {
    for (const entry of obj.namedChildren) {
      const key = entry.type === 'pair' ? entry.childForFieldName('key') : entry.type === 'shorthand_property_identifier' ? entry : null;
      const col = key ? this.keyColumn(key) : undefined;
      if (!col) {
        this.note(entry);
        continue;
      }
      const value = entry.type === 'pair' ? (entry.childForFieldName('value') ?? undefined) : entry;
      this.push(col, op(value), value, disjunctive, spanOf(entry));
    }
  }

  private bound(name: 'limit' | 'offset', step: Step): void {
    const v = unwrap(step.args[0]);
    const value = v?.type === 'number' && /^\d+$/.test(v.text) ? Number(v.text) : undefined;
    this.note(v);
    this.model[name] = { span: stepSpan(step), ...(value !== undefined ? { value } : {}) };
  }

  /**
   * Reads a filter step with `read`; a step that adds no condition (predicate, implicit join or
   * subquery) wrote one QueryLens could not read: `.where(match)` with an object built elsewhere,
   * `.where(cond ? 'a' : 'b', '=', x)`, `.whereRaw(..)`. An empty object (`.where({})`) is read: it writes no condition.
   */
  filterStep(step: Step, read: (step: Step) => boolean): boolean {
    const m = this.model;
    const before = m.predicates.length + m.equalities.length + m.subqueries.length;
    const result = read(step);
    const empty = step.args.length === 1 && unwrap(step.args[0])?.type === 'object' && unwrap(step.args[0])!.namedChildren.length === 0;
    if (m.predicates.length + m.equalities.length + m.subqueries.length === before && !empty) this.unreadFilter = true;
    return result;
  }

  /** An `orWhere` at the top level: `a AND b OR c` groups as `a OR (b AND c)`; no conjunct is sure. */
  sawOr(): void {
    this.anyOr = true;
  }

  /**
   * A subquery sent inside this query (`eb.selectFrom(..)` in `eb.exists(..)` or an `in`,
   * `whereIn('id', function () { this.select('id').from('t') })`, `whereIn('id', knex('t').select('id'))`):
   * into `subqueries`, its values among this query's parameters. False when it cannot be read.
   */
  subquery(value: SyntaxNode): boolean {
    let v = unwrap(value);
    // Kysely's `(eb) => eb.selectFrom(..)`: the chain it returns
    const body = v?.type === 'arrow_function' ? unwrap(v.childForFieldName('body')) : undefined;
    if (body?.type === 'call_expression' && kyselyStart(splitChain(body).steps)) v = body;
    let sub: QueryModel | undefined;
    let roots: Iterable<string> = [];
    if (v?.type === 'function_expression' || v?.type === 'arrow_function') {
      const inner = new Builder('select', this.program, this.text);
      inner.roots = this.roots;
      inner.hidden = this.hidden;
      const chains = callbackChains(inner, v);
      if (chains.every((steps) => steps.every((step) => knexStep(inner, step))) && inner.model.tables.length > 0) sub = inner.finish();
    } else if (v?.type === 'call_expression') {
      const { base, steps } = splitChain(v);
      const built = base && (kyselyQuery(base, steps, this.program, this.text, true) ?? knexQuery(base, steps, this.program, this.text, false));
      if (built && built.statementKind === 'select') {
        sub = built.model;
        roots = built.parameterRoots;
      }
    }
    if (!sub) return false;
    for (const name of roots) if (!this.hidden.has(name)) this.roots.add(name);
    this.model.subqueries.push(sub);
    return true;
  }

  finish(): QueryModel {
    if (this.anyOr) for (const p of this.model.predicates) p.disjunctive = true;
    if (this.anyOr) this.model.equalities = [];
    if (this.model.groupBy.length > 0) this.model.isAggregate = false;
    resolveColumns(this.model);
    return this.model;
  }
}

/** `col = value` as knex and Kysely send it from an object or a two-argument where: `IS NULL` for null. */
function equalityOp(value: SyntaxNode | undefined): PredicateOp {
  return unwrap(value)?.type === 'null' ? 'is_null' : 'eq';
}

function columnRef(name: string, span: Span): ColumnRef | undefined {
  if (!IDENT.test(name)) return undefined;
  const dot = name.lastIndexOf('.');
  if (dot < 0) return { column: name, span };
  return { qualifier: name.slice(0, dot), column: name.slice(dot + 1), span };
}

/** The root identifiers a value reads (`user.id` → user; `f(a, b.c)` → f is a function, a, b). */
function valueRoots(node: SyntaxNode, out: Set<string>): void {
  const n = node;
  if (n.type === 'identifier') {
    if (!NOT_VALUES.has(n.text)) out.add(n.text);
    return;
  }
  if (n.type === 'member_expression') {
    const obj = n.childForFieldName('object');
    if (obj) valueRoots(obj, out);
    return;
  }
  if (n.type === 'call_expression') {
    const fn = unwrap(n.childForFieldName('function'));
    if (fn?.type === 'member_expression') valueRoots(fn, out);
    for (const a of argsOf(n)) valueRoots(a, out);
    return;
  }
  if (n.type === 'pair') {
    const v = n.childForFieldName('value');
    if (v) valueRoots(v, out);
    return;
  }
  if (n.type === 'shorthand_property_identifier') {
    out.add(n.text);
    return;
  }
  if (n.type === 'arrow_function' || n.type === 'function_expression' || n.type === 'function' || n.type.startsWith('type_')) return;
  for (const c of n.namedChildren) valueRoots(c, out);
}

// ---------------------------------------------------------------------------------------------
// LIKE patterns (as python/like-pattern.ts): literal text, `{expr}` for parts known at run time

const MAX_HOPS = 4;

export function likePattern(node: SyntaxNode, program: SyntaxNode, text: string): string | undefined {
  const part = patternPart(node, program, text, 0);
  return part?.known && !part.text.startsWith('{') ? part.text : undefined;
}

interface Part {
  text: string;
  known: boolean;
}

function patternPart(node: SyntaxNode, program: SyntaxNode, text: string, hops: number): Part | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  switch (n.type) {
    case 'string':
      if (n.namedChildren.some((c) => c.type !== 'string_fragment')) return undefined;
      return { text: n.text.slice(1, -1), known: n.text.length > 2 };
    case 'template_string': {
      let out = '';
      let known = false;
      let at = n.startIndex + 1;
      for (const c of n.namedChildren) {
        if (c.type === 'string_fragment') {
          out += text.slice(at, c.endIndex);
          known = true;
        } else if (c.type === 'template_substitution') {
          out += text.slice(at, c.startIndex) + `{${c.namedChildren[0]?.text ?? ''}}`;
        } else return undefined;
        at = c.endIndex;
      }
      return { text: out, known };
    }
    case 'binary_expression': {
      if (n.childForFieldName('operator')?.text !== '+') return undefined;
      const sides = [n.childForFieldName('left'), n.childForFieldName('right')].map((side) =>
        side ? (patternPart(side, program, text, hops) ?? { text: `{${side.text}}`, known: false }) : { text: '{}', known: false },
      );
      return { text: sides.map((s) => s.text).join(''), known: sides.some((s) => s.known) };
    }
    case 'identifier': {
      const value = hops < MAX_HOPS ? constValue(n, program) : undefined;
      return value ? patternPart(value, program, text, hops + 1) : undefined;
    }
    default:
      return undefined;
  }
}

/** The value a `const` of this name was declared with, before `use` in the enclosing functions (nearest first). */
function constValue(use: SyntaxNode, program: SyntaxNode): SyntaxNode | undefined {
  let best: SyntaxNode | undefined;
  for (const d of program.descendantsOfType('variable_declarator')) {
    if (d.childForFieldName('name')?.text !== use.text || d.startIndex > use.startIndex) continue;
    const decl = d.parent;
    if (decl?.type !== 'lexical_declaration' || !decl.text.startsWith('const')) continue;
    if (!encloses(decl.parent, use)) continue;
    if (!best || d.startIndex > best.startIndex) best = d;
  }
  return best?.childForFieldName('value') ?? undefined;
}

function encloses(outer: SyntaxNode | null, inner: SyntaxNode): boolean {
  return !!outer && outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

// ---------------------------------------------------------------------------------------------
// knex

const KNEX_JOINS: Record<string, JoinInfo['kind']> = {
  join: 'inner', innerJoin: 'inner', leftJoin: 'left', leftOuterJoin: 'left', rightJoin: 'right', rightOuterJoin: 'right',
  fullOuterJoin: 'full', outerJoin: 'full', crossJoin: 'cross',
};

function knexQuery(base: SyntaxNode, steps: Step[], program: SyntaxNode, text: string, awaited: boolean): BuiltQuery | undefined {
  const q = new Builder('select', program, text);
  if (base.type !== 'call_expression' && steps.length && !KNEX_STARTS.has(steps[0].name)) {
    // `this.db('users')...`: the chain's first call is the instance's own
    base = steps[0].call;
    steps = steps.slice(1);
  }
  if (base.type === 'call_expression') {
    // knex('users') / db<User>('users as u')
    const callee = base.childForFieldName('function');
    if (!callee || !isKnexInstance(callee, program)) return undefined;
    const args = argsOf(base);
    if (args.length !== 1 || !str(args[0]) || !q.addTable(args[0])) return undefined;
  } else {
    if (!steps.length || !KNEX_STARTS.has(steps[0].name) || !isKnexInstance(base, program)) return undefined;
  }
  let terminal: Terminal | undefined;
  let terminalAt: number | undefined;
  let returning = false;
  let lastEnd = base.endIndex;
  for (const step of steps) {
    if (terminal !== undefined) {
      // Only the promise's own methods may follow a terminal.
      if (!['then', 'catch', 'finally'].includes(step.name)) return undefined;
      continue;
    }
    if (NOT_SENT.has(step.name)) return undefined;
    const dot = dotBefore(step);
    switch (step.name) {
      case 'then':
      case 'catch':
      case 'finally':
      case 'asCallback':
        terminal = 'all';
        terminalAt = dot;
        continue;
      case 'stream':
      case 'pipe':
        terminal = 'iterate';
        terminalAt = dot;
        continue;
      case 'first':
        for (const a of step.args) addSelected(q, a);
        q.model.limit ??= { span: stepSpan(step), value: 1 };
        terminal = 'first';
        terminalAt = dot;
        continue;
      case 'pluck': {
        const c = q.column(step.args[0]);
        if (c) q.model.columns.push(c);
        terminal = 'all';
        terminalAt = dot;
        continue;
      }
      case 'returning':
        returning = true;
        break;
      default:
        if (!(isKnexFilter(step.name) ? q.filterStep(step, (st) => knexStep(q, st)) : knexStep(q, step))) return undefined;
    }
    lastEnd = step.call.endIndex;
  }
  if (q.model.tables.length === 0) return undefined;
  const kind = q.model.kind;
  let t: Terminal = terminal ?? (awaited ? 'all' : 'unknown');
  if (kind !== 'select' && t !== 'unknown' && !returning) t = 'execute';
  const beforeTerminal = kind === 'select' && t !== 'unknown' ? (terminalAt ?? lastEnd) : undefined;
  return {
    library: 'knex', model: q.finish(), statementKind: kind, terminal: t, span: spanOf(base),
    ...(beforeTerminal !== undefined ? { beforeTerminal } : {}), parameterRoots: [...q.roots], ...(q.unreadFilter ? { unreadFilter: true } : {}),
  };
}

/** Where `.name(...)` starts: the end of the call it is made on (before the dot and any line break). */
function dotBefore(step: Step): number {
  return unwrap(step.call.childForFieldName('function'))!.childForFieldName('object')!.endIndex;
}

/** A selected column or the star (`'*'`, `'t.*'`): aggregates and raw parts are left out. */
function addSelected(q: Builder, a: SyntaxNode): void {
  const n = unwrap(a);
  if (n?.type === 'array') return n.namedChildren.forEach((c) => addSelected(q, c));
  if (n?.type === 'object') {
    // { alias: 'column' }
    for (const pair of n.namedChildren) if (pair.type === 'pair') addSelected(q, pair.childForFieldName('value')!);
    return;
  }
  const s = str(n);
  if (!s) return;
  const star = /^(\s*)((?:[A-Za-z_][\w$]*\.)?\*)\s*$/.exec(s.value);
  if (star) {
    q.model.selectStar ??= { start: s.start + star[1].length, end: s.start + star[1].length + star[2].length };
    return;
  }
  const c = q.column(n);
  if (c) q.model.columns.push(c);
}

/** knex steps that filter rows (`where`, `orWhereIn`, `whereRaw`, `whereExists`, `modify` with its wheres). */
function isKnexFilter(name: string): boolean {
  return /^(or|and)?(where|Where)/.test(name) || name === 'modify';
}

/** One knex method of the chain; false when it is one QueryLens cannot read (the chain is then left alone). */
function knexStep(q: Builder, step: Step): boolean {
  const { name, args } = step;
  switch (name) {
    case 'from':
    case 'table':
    case 'into':
      return q.addTable(args[0]);
    case 'withSchema': {
      const s = str(args[0]);
      if (!s) return false;
      q.model.tables.forEach((t) => (t.schema ??= s.value));
      return true;
    }
    case 'select':
    case 'column':
    case 'columns':
      args.forEach((a) => addSelected(q, a));
      return true;
    case 'distinct':
      q.model.distinct = true;
      args.forEach((a) => addSelected(q, a));
      return true;
    case 'count':
    case 'countDistinct':
    case 'sum':
    case 'sumDistinct':
    case 'avg':
    case 'avgDistinct':
    case 'min':
    case 'max':
      q.model.isAggregate = true;
      return true;
    case 'insert':
      q.model.kind = 'insert';
      args.forEach((a) => q.note(a));
      return true;
    case 'update':
    case 'increment':
    case 'decrement':
      q.model.kind = 'update';
      args.forEach((a) => q.note(a));
      return true;
    case 'del':
    case 'delete':
      q.model.kind = 'delete';
      return true;
    case 'orderBy':
      return knexOrderBy(q, args);
    case 'modify': {
      // `.modify((qb) => { qb.where(..) })`: applied every time; a function defined elsewhere cannot be read
      const fn = unwrap(args[0]);
      if (fn?.type !== 'arrow_function' && fn?.type !== 'function_expression') return false;
      args.slice(1).forEach((a) => q.note(a));
      return callbackChains(q, fn).every((steps) => steps.every((st) => knexStep(q, st)));
    }
    case 'whereExists':
      if (args[0] && q.subquery(args[0])) return true;
      args.forEach((a) => q.note(a));
      return true;
    case 'having':
    case 'whereRaw':
    case 'havingRaw':
    case 'orderByRaw':
    case 'groupByRaw':
    case 'whereNotExists':
      args.forEach((a) => q.note(a));
      return true;
    case 'orWhereRaw':
    case 'orWhereExists':
    case 'orWhereNotExists':
      args.forEach((a) => q.note(a));
      q.sawOr();
      return true;
    default:
      break;
  }
  if (name in KNEX_JOINS) return knexJoin(q, step);
  if (name === 'whereColumn' || name === 'andWhereColumn' || name === 'orWhereColumn') {
    if (name.startsWith('or')) q.sawOr();
    q.columnComparison(args, stepSpan(step));
    return true;
  }
  if (q.sharedStep(step)) return true;
  const where = /^(or|and)?(where|Where)(Not)?(In|NotIn|Null|NotNull|Between|NotBetween|Like|ILike)?$/.exec(name);
  if (where) {
    if (where[1] === 'or') q.sawOr();
    knexWhere(q, step, (where[3] ?? '') + (where[4] ?? ''), where[1] === 'or');
    return true;
  }
  return NEUTRAL.has(name);
}

/** `where` variants: `variant` is '' (plain), 'Not', 'In', 'NotIn', 'Null', 'NotNull', 'Between', 'Like', 'ILike'... */
function knexWhere(q: Builder, step: Step, variant: string, or: boolean): void {
  const { args } = step;
  const span = stepSpan(step);
  const first = unwrap(args[0]);
  const negated = variant.startsWith('Not');
  const fixed: Record<string, PredicateOp> = {
    In: 'in', NotIn: 'not_eq', Null: 'is_null', NotNull: 'not_eq', Between: 'range', NotBetween: 'not_eq', Like: 'like', ILike: 'ilike',
    NotLike: 'not_eq', NotILike: 'not_eq',
  };
  if (variant in fixed) {
    const col = q.column(first);
    if (!col) return args.forEach((a) => q.note(a));
    q.push(col, fixed[variant], args[1], or, span);
    return;
  }
  // `whereNot(...)` sends `not "a" = ?`: the comparison under a NOT, as the SQL core reads it.
  const disjunctive = or || negated;
  if (first?.type === 'object') return q.objectPredicates(first, equalityOp, disjunctive);
  if (first?.type === 'arrow_function' || first?.type === 'function_expression') {
    // A group: `where(function () { this.where(..).orWhere(..) })` / `where((qb) => qb.where(..))`.
    return knexGroup(q, first, disjunctive);
  }
  const col = q.column(first);
  if (!col) return args.forEach((a) => q.note(a));
  if (args.length === 2) {
    q.push(col, equalityOp(args[1]), args[1], disjunctive, span);
    return;
  }
  if (args.length === 3) {
    const operator = str(args[1])?.value.toLowerCase().trim();
    let op: PredicateOp = operator !== undefined ? (COMPARISONS[operator] ?? 'other') : 'other';
    if (operator === 'is' && unwrap(args[2])?.type !== 'null') op = 'other';
    q.push(col, op, args[2], disjunctive, span);
    return;
  }
  args.forEach((a) => q.note(a));
}

/** A callback grouping conditions: its steps on `this` or its parameter are read as a nested chain. */
function knexGroup(q: Builder, fn: SyntaxNode, disjunctive: boolean): void {
  const chains = callbackChains(q, fn);
  const or = chains.some((steps) => steps.some((s) => s.name.startsWith('or')));
  const start = q.model.predicates.length;
  const outerOr = q.anyOr;
  for (const steps of chains) for (const s of steps) knexStep(q, s);
  q.anyOr = outerOr;
  // The group's own ORs do not leak out (knex parenthesises it), but its conjuncts are only sure without them.
  for (const p of q.model.predicates.slice(start)) p.disjunctive = p.disjunctive || or || disjunctive;
}

/** The name a callback's query builder goes by: its first parameter, or `this`. */
function callbackSelf(fn: SyntaxNode): string {
  const param = fn.childForFieldName('parameters')?.namedChildren[0] ?? fn.childForFieldName('parameter');
  return param ? (param.childForFieldName('pattern') ?? param).text : 'this';
}

/** The chains a knex callback makes on `this` or its parameter (`function () { this.where(..) }`, `(qb) => qb.where(..)`); anything else is noted as values. */
function callbackChains(q: Builder, fn: SyntaxNode): Step[][] {
  const self = callbackSelf(fn);
  const body = fn.childForFieldName('body');
  const chains: Step[][] = [];
  const calls = body?.type === 'statement_block' ? body.namedChildren.map((s) => (s.type === 'expression_statement' ? s.namedChildren[0] : s)) : [body];
  for (const c of calls) {
    const call = unwrap(c);
    if (call?.type !== 'call_expression') {
      if (c) q.note(c);
      continue;
    }
    const { base, steps } = splitChain(call);
    if (base?.text !== self && !(self === 'this' && base?.type === 'this')) {
      q.note(call);
      continue;
    }
    chains.push(steps);
  }
  return chains;
}

function knexOrderBy(q: Builder, args: SyntaxNode[]): boolean {
  const first = unwrap(args[0]);
  if (first?.type === 'array') {
    for (const item of first.namedChildren) {
      if (item.type === 'object') {
        const column = item.namedChildren.find((p) => p.type === 'pair' && p.childForFieldName('key')?.text === 'column');
        const order = item.namedChildren.find((p) => p.type === 'pair' && p.childForFieldName('key')?.text === 'order');
        q.orderItem(q.column(column?.childForFieldName('value') ?? undefined), order?.childForFieldName('value') ?? undefined);
      } else q.orderItem(q.column(item), undefined);
    }
    return true;
  }
  q.orderItem(q.column(first), args[1]);
  return true;
}

/** `.join('t2', 't.a', 't2.b')`, `.join('t2', 't.a', '=', 't2.b')`, `.join('t2', (j) => j.on(..).andOn(..))`. */
function knexJoin(q: Builder, step: Step): boolean {
  const join = q.join(step.args[0], KNEX_JOINS[step.name]);
  if (!join) return false;
  const rest = step.args.slice(1);
  const on = (cols: (SyntaxNode | undefined)[]) => {
    const [l, op, r] = cols.length === 2 ? [cols[0], undefined, cols[1]] : cols;
    if (op && str(op)?.value.trim() !== '=') return;
    const left = q.column(l);
    const right = q.column(r);
    if (left && right) join.conditions.push({ left, right });
  };
  const fn = unwrap(rest[0]);
  if (rest.length >= 2) on(rest);
  else if ((fn?.type === 'arrow_function' || fn?.type === 'function_expression') && !/\.\s*orOn/.test(fn.text)) {
    // `(j) => j.on(..).andOn(..)`; with an `orOn` no condition is sure
    const self = callbackSelf(fn);
    for (const call of (fn.childForFieldName('body') ?? fn).descendantsOfType('call_expression')) {
      const callee = unwrap(call.childForFieldName('function'));
      const method = callee?.childForFieldName('property')?.text;
      if (method !== 'on' && method !== 'andOn') continue;
      const recv = splitChain(call).base;
      if (recv?.text !== self && !(self === 'this' && recv?.type === 'this')) continue;
      on(argsOf(call));
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Kysely

const KYSELY_JOINS: Record<string, JoinInfo['kind']> = {
  innerJoin: 'inner', leftJoin: 'left', rightJoin: 'right', fullJoin: 'full', crossJoin: 'cross',
};
const KYSELY_TERMINALS: Record<string, Terminal> = {
  execute: 'all', executeTakeFirst: 'first', executeTakeFirstOrThrow: 'one', stream: 'iterate',
};

function kyselyStart(steps: Step[]): StatementKind | undefined {
  // Own keys only: `t.hasOwnProperty('x')`, `d.toLocaleString('en')` start no query.
  return steps.length && Object.hasOwn(KYSELY_STARTS, steps[0].name) ? KYSELY_STARTS[steps[0].name] : undefined;
}

/** `subquery`: the chain is part of another query (`eb.selectFrom(..)`, may end in `.as('x')`, is not executed). */
function kyselyQuery(base: SyntaxNode, steps: Step[], program: SyntaxNode, text: string, subquery = false): BuiltQuery | undefined {
  const kind = kyselyStart(steps);
  if (!kind || !['identifier', 'member_expression', 'call_expression'].includes(base.type)) return undefined;
  // `eb.selectFrom(..)`: a subquery of the query around it, read there
  if (!subquery && base.type === 'identifier' && isExpressionBuilder(base)) return undefined;
  if (subquery && steps[steps.length - 1]?.name === 'as') steps = steps.slice(0, -1);
  const q = new Builder(kind, program, text);
  const from = unwrap(steps[0].args[0]);
  if (from?.type === 'array') {
    for (const t of from.namedChildren) if (!q.addTable(t)) return undefined;
  } else if (!q.addTable(from)) return undefined;
  let terminal: Terminal | undefined;
  let terminalAt: number | undefined;
  let returning = false;
  for (const step of steps.slice(1)) {
    if (terminal !== undefined) {
      if (!['then', 'catch', 'finally'].includes(step.name)) return undefined;
      continue;
    }
    if (step.name in KYSELY_TERMINALS) {
      if (subquery) return undefined;
      terminal = KYSELY_TERMINALS[step.name];
      terminalAt = dotBefore(step);
      continue;
    }
    if (NOT_SENT.has(step.name)) return undefined;
    if (step.name === 'returning' || step.name === 'returningAll') returning = true;
    else if (!(KYSELY_FILTERS.has(step.name) ? q.filterStep(step, (st) => kyselyStep(q, st)) : kyselyStep(q, step))) return undefined;
  }
  let t: Terminal = terminal ?? 'unknown';
  if (kind !== 'select' && t !== 'unknown' && !returning) t = 'execute';
  const beforeTerminal = kind === 'select' && terminalAt !== undefined ? terminalAt : undefined;
  return {
    library: 'kysely', model: q.finish(), statementKind: kind, terminal: t, span: spanOf(base),
    ...(beforeTerminal !== undefined ? { beforeTerminal } : {}), parameterRoots: [...q.roots], ...(q.unreadFilter ? { unreadFilter: true } : {}),
  };
}

/**
 * Whether `name` is Kysely's expression builder, whose `selectFrom` builds a
 * subquery, not a query of its own: named `eb` (Kysely's own name for it),
 * typed as one (`eb: ExpressionBuilder<DB, 'T'>`), or a parameter of a
 * function passed to a method call (`.where((b) => b.exists(b.selectFrom(..)))`).
 * A transaction's callback (`db.transaction().execute(async (trx) => ..)`) is
 * the exception: `trx` is a Kysely instance.
 */
function isExpressionBuilder(name: SyntaxNode): boolean {
  if (name.text === 'eb') return true;
  for (let fn = name.parent; fn; fn = fn.parent) {
    if (fn.type !== 'arrow_function' && fn.type !== 'function_expression' && fn.type !== 'function_declaration' && fn.type !== 'method_definition') continue;
    const params = fn.childForFieldName('parameters')?.namedChildren ?? [fn.childForFieldName('parameter')];
    const own = params.find((p) => p && (p.childForFieldName('pattern') ?? p).text === name.text);
    if (!own) continue;
    if (/ExpressionBuilder/.test(own.childForFieldName('type')?.text ?? '')) return true;
    const call = fn.parent?.type === 'arguments' ? fn.parent.parent : undefined;
    const callee = call ? unwrap(call.childForFieldName('function')) : undefined;
    return callee?.type === 'member_expression' && !/transaction\(\s*\)\s*\.\s*execute$/.test(callee.text.replace(/\s+/g, ''))
      && !/^(transaction|connection)$/.test(callee.childForFieldName('property')?.text ?? '');
  }
  return false;
}

/** Kysely steps that filter rows (`$if` may add a where). */
const KYSELY_FILTERS = new Set(['where', 'whereRef', '$if']);

/** Steps a query may take only sometimes and still be read without them (see `$if`). */
const SOMETIMES_SAFE = new Set(['where', 'whereRef', 'orderBy', 'select']);

function kyselyStep(q: Builder, step: Step): boolean {
  const { name, args } = step;
  switch (name) {
    case 'select':
    case 'distinctOn':
      if (name === 'distinctOn') q.model.distinct = true;
      for (const a of args) {
        const n = unwrap(a);
        if (n && /\bfn\s*\.\s*(count|countAll|sum|avg|min|max)\b/.test(n.text)) q.model.isAggregate = true;
        if (n?.type === 'array' || str(n)) addSelected(q, n!);
        else if (n?.type === 'arrow_function') {
          const body = unwrap(n.childForFieldName('body'));
          if (body?.type === 'array') addSelected(q, body);
        }
      }
      return true;
    case 'selectAll': {
      const s = str(args[0]);
      q.model.selectStar ??= s ? { start: s.start, end: s.start + s.value.length } : stepSpan(step);
      return true;
    }
    case 'distinct':
      q.model.distinct = true;
      return true;
    case 'where':
      kyselyWhere(q, step, false);
      return true;
    case 'whereRef':
      q.columnComparison(args, stepSpan(step));
      return true;
    case 'having':
    case 'havingRef':
      args.forEach((a) => q.note(a));
      return true;
    case 'orderBy':
      return kyselyOrderBy(q, args);
    case 'values':
    case 'set':
    case 'onConflict':
    case 'onDuplicateKeyUpdate':
      args.forEach((a) => q.note(a));
      return true;
    case '$if': {
      // `.$if(cond, (qb) => qb.where(..))`: steps taken only sometimes. Conditions and order added
      // sometimes are not sure, and leaving them out keeps the rest true; a limit or a join is not.
      const fn = unwrap(args[1]);
      const body = fn?.type === 'arrow_function' ? unwrap(fn.childForFieldName('body')) : undefined;
      const inner = body?.type === 'call_expression' ? splitChain(body) : undefined;
      const self = fn ? callbackSelf(fn) : undefined;
      if (!inner || inner.base?.text !== self || !inner.steps.every((st) => SOMETIMES_SAFE.has(st.name))) return false;
      q.note(args[0]);
      for (const st of inner.steps) st.args.forEach((a) => q.note(a));
      return true;
    }
    case 'clearSelect':
      q.model.columns = [];
      delete q.model.selectStar;
      return true;
    default:
      break;
  }
  if (name in KYSELY_JOINS) return kyselyJoin(q, step);
  if (q.sharedStep(step)) return true;
  return NEUTRAL.has(name);
}

/** `.where('a', '=', x)`, `.where(eb => eb.and([...]))`, `.where(({ eb, or }) => or([...]))`; an unread expression adds nothing. */
function kyselyWhere(q: Builder, step: Step, disjunctive: boolean): void {
  const { args } = step;
  if (args.length === 3) {
    kyselyComparison(q, args, disjunctive, stepSpan(step));
    return;
  }
  const fn = unwrap(args[0]);
  if (args.length === 1 && fn?.type === 'arrow_function') {
    const names = expressionNames(fn);
    const body = unwrap(fn.childForFieldName('body'));
    const hidden = Object.values(names).filter((n) => !q.hidden.has(n));
    hidden.forEach((n) => q.hidden.add(n));
    if (body) kyselyExpression(q, body, names, disjunctive);
    hidden.forEach((n) => q.hidden.delete(n));
    return;
  }
  args.forEach((a) => q.note(a));
}

/** The names an expression callback gives the builder and its `and`/`or`/`not` (`eb`, `({ eb, and, or })`). */
interface ExpressionNames {
  eb?: string;
  and?: string;
  or?: string;
  not?: string;
  exists?: string;
}

const EXPRESSION_NAMES = ['eb', 'and', 'or', 'not', 'exists'];

function expressionNames(fn: SyntaxNode): ExpressionNames {
  const param = fn.childForFieldName('parameters')?.namedChildren[0] ?? fn.childForFieldName('parameter');
  const pattern = param ? (param.childForFieldName('pattern') ?? param) : undefined;
  if (pattern?.type === 'identifier') return { eb: pattern.text };
  const names: ExpressionNames = {};
  if (pattern?.type === 'object_pattern') {
    for (const p of pattern.namedChildren) {
      if (p.type === 'shorthand_property_identifier_pattern' && EXPRESSION_NAMES.includes(p.text)) names[p.text as keyof ExpressionNames] = p.text;
      if (p.type === 'pair_pattern') {
        const key = p.childForFieldName('key')?.text;
        const value = p.childForFieldName('value');
        if (key && EXPRESSION_NAMES.includes(key) && value?.type === 'identifier') names[key as keyof ExpressionNames] = value.text;
      }
    }
  }
  return names;
}

function kyselyExpression(q: Builder, node: SyntaxNode, names: ExpressionNames, disjunctive: boolean): void {
  const n = unwrap(node);
  if (n?.type !== 'call_expression') {
    if (n) q.note(n);
    return;
  }
  const fn = unwrap(n.childForFieldName('function'));
  const args = argsOf(n);
  let combinator: string | undefined;
  if (fn?.type === 'identifier') {
    if (fn.text === names.eb && args.length === 3) return kyselyComparison(q, args, disjunctive, spanOf(n));
    combinator = fn.text === names.and ? 'and' : fn.text === names.or ? 'or' : fn.text === names.not ? 'not' : fn.text === names.exists ? 'exists' : undefined;
  } else if (fn?.type === 'member_expression' && names.eb && fn.childForFieldName('object')?.text === names.eb) {
    combinator = fn.childForFieldName('property')?.text;
  } else if (fn?.type === 'member_expression' && args.length === 1 && ['and', 'or'].includes(fn.childForFieldName('property')?.text ?? '')) {
    // `eb('a', '=', x).and(eb('b', '=', y))`, `.or(...)`: both sides
    const or = disjunctive || fn.childForFieldName('property')!.text === 'or';
    for (const side of [fn.childForFieldName('object'), args[0]]) if (side) kyselyExpression(q, side, names, or);
    return;
  }
  const list = unwrap(args[0]);
  if ((combinator === 'and' || combinator === 'or') && list?.type === 'array') {
    for (const item of list.namedChildren) kyselyExpression(q, item, names, disjunctive || combinator === 'or');
    return;
  }
  if ((combinator === 'and' || combinator === 'or') && list?.type === 'object') {
    return q.objectPredicates(list, equalityOp, disjunctive || combinator === 'or');
  }
  if (combinator === 'not' && args[0]) return kyselyExpression(q, args[0], names, true);
  if (combinator === 'exists' && args[0] && q.subquery(args[0])) return;
  q.note(n);
}

/** `'a', '=', x` (also `eb('a', '=', x)`): one predicate, or an implicit join when the value is `eb.ref('t.b')`. */
function kyselyComparison(q: Builder, args: SyntaxNode[], disjunctive: boolean, span: Span): void {
  const col = q.column(args[0]);
  const operator = str(args[1])?.value.toLowerCase().trim();
  if (!col || operator === undefined) return args.forEach((a) => q.note(a));
  let op = COMPARISONS[operator] ?? 'other';
  const isNull = unwrap(args[2])?.type === 'null';
  if (op === 'is_null' && !isNull) op = 'other';
  if (op === 'eq' && isNull) op = 'other'; // `= null` is never true
  q.push(col, op, args[2], disjunctive, span);
}

function kyselyOrderBy(q: Builder, args: SyntaxNode[]): boolean {
  const first = unwrap(args[0]);
  const items = first?.type === 'array' ? first.namedChildren : [first];
  for (const item of items) {
    const s = str(item);
    if (!s) continue;
    // `'created_at desc'` (older Kysely) or a direction argument / `(ob) => ob.desc()` modifier.
    const m = /^(\s*)(\S+)(?:\s+(asc|desc))?\s*$/i.exec(s.value);
    if (!m) continue;
    const column = columnRef(m[2], { start: s.start + m[1].length, end: s.start + m[1].length + m[2].length });
    if (!column) continue;
    const dir = m[3] ?? (items.length === 1 ? directionOf(args[1]) : undefined);
    q.model.orderBy.push({ column, desc: dir?.toLowerCase() === 'desc' });
  }
  return true;
}

function directionOf(node: SyntaxNode | undefined): string | undefined {
  const n = unwrap(node);
  if (!n) return undefined;
  const s = str(n);
  if (s) return s.value;
  if (n.type === 'arrow_function') return /\.\s*desc\s*\(/.test(n.text) ? 'desc' : 'asc';
  return undefined;
}

/** `.innerJoin('t2', 't2.a', 't.b')`, `.leftJoin('t2', (join) => join.onRef('t2.a', '=', 't.b').on('t2.x', '=', v))`. */
function kyselyJoin(q: Builder, step: Step): boolean {
  const join = q.join(step.args[0], KYSELY_JOINS[step.name]);
  if (!join) return false;
  const [, a, b] = step.args;
  if (a && b) {
    const left = q.column(a);
    const right = q.column(b);
    if (left && right) join.conditions.push({ left, right });
    return true;
  }
  const fn = unwrap(a);
  if (fn?.type === 'arrow_function') {
    const body = unwrap(fn.childForFieldName('body'));
    const chain = body?.type === 'call_expression' ? splitChain(body).steps : [];
    for (const s of chain) {
      if (s.name === 'onRef' && s.args.length === 3 && str(s.args[1])?.value.trim() === '=') {
        const left = q.column(s.args[0]);
        const right = q.column(s.args[2]);
        if (left && right) join.conditions.push({ left, right });
      } else if (s.name === 'on' && s.args.length === 3) {
        kyselyComparison(q, s.args, false, stepSpan(s));
      } else s.args.forEach((x) => q.note(x));
    }
  }
  return true;
}
