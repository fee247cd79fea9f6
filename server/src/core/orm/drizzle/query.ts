/**
 * Drizzle queries → QueryModel, with the SQL Drizzle sends (table and column
 * names after the schema's mapping, read from the workspace's Drizzle models):
 *
 * - the SQL-like API: `db.select(fields?).from(t).where(and(eq(t.a, x), ...))`,
 *   `.innerJoin/leftJoin/rightJoin/fullJoin(t2, eq(t.id, t2.tId))`, `.orderBy(desc(t.c))`,
 *   `.groupBy(...)`, `.limit(n)`, `.offset(n)`; `db.insert(t).values(...)`,
 *   `db.update(t).set(...).where(...)`, `db.delete(t).where(...)` (without
 *   `.where`: a write of every row, which the model says by having no predicate);
 * - the relational API: `db.query.users.findMany({ where, orderBy, limit, offset, columns, with })`
 *   and `findFirst` (a `limit 1`), its `where` either a condition or a callback
 *   `(u, { eq }) => eq(u.id, id)`.
 *
 * Conditions: `eq ne gt gte lt lte inArray notInArray like ilike notLike notIlike
 * isNull isNotNull between notBetween` under `and` / `or` / `not`. A condition
 * QueryLens cannot read (`sql\`...\``, a variable holding a condition, a
 * ternary) is left out of an `and` (what remains stays true); a query whose
 * whole WHERE cannot be read is not read at all (it is filtered, and nothing
 * says how). `with` loads relations in the same statement (lateral subqueries):
 * the main query's where, order and limit are what the model holds.
 *
 * Terminals: awaited (or returned from an async function, or handed to
 * `Promise.all`), `.execute()`, `.then()` → every row ('all'); `.limit(1)`,
 * `findFirst`, SQLite's `.get()` → 'first'; writes without `.returning()` →
 * 'execute'; a chain neither awaited nor executed → 'unknown'. A chain made
 * `$dynamic()`, prepared, turned into a subquery (`.as()`) or into SQL text is not read.
 */
import { emptyQuery, resolveColumns } from '../../sql/build';
import type { ColumnRef, JoinInfo, PredicateOp, QueryModel, StatementKind, TableRef, ValueKind } from '../../sql/model';
import type { SyntaxNode } from '../../host/treesitter';
import type { HostModel, Terminal } from '../../host/types';
import { likePattern, sentByParent, type BuiltQuery } from '../../host/typescript/builders';
import { fileLibraries } from '../../host/typescript/libraries';
import type { QueryReaderContext } from '../../host/typescript/orms';
import { argsOf, expressionRoots, rootOf, spanOf, unwrap } from '../../host/typescript/syntax';
import { drizzleWrite } from './write-values';

type Node = SyntaxNode;

interface Step {
  name: string;
  call: Node;
  nameNode: Node;
  args: Node[];
}

const COMPARISONS: Record<string, PredicateOp> = {
  eq: 'eq', ne: 'not_eq', gt: 'range', gte: 'range', lt: 'range', lte: 'range', between: 'range', notBetween: 'not_eq',
  inArray: 'in', notInArray: 'not_eq', like: 'like', ilike: 'ilike', notLike: 'not_eq', notIlike: 'not_eq',
  isNull: 'is_null', isNotNull: 'not_eq', arrayContains: 'other', arrayContained: 'other', arrayOverlaps: 'other',
};
const JOINS: Record<string, JoinInfo['kind']> = { innerJoin: 'inner', leftJoin: 'left', rightJoin: 'right', fullJoin: 'full', crossJoin: 'cross' };
const AGGREGATES = new Set(['count', 'countDistinct', 'sum', 'sumDistinct', 'avg', 'avgDistinct', 'min', 'max']);
const STARTS: Record<string, StatementKind> = { select: 'select', selectDistinct: 'select', selectDistinctOn: 'select', insert: 'insert', update: 'update', delete: 'delete' };
/** Steps that change nothing QueryLens models. */
const NEUTRAL = new Set(['for', 'onConflictDoNothing', 'onConflictDoUpdate', 'onDuplicateKeyUpdate', 'having', '$withCache', 'overridingSystemValue']);
/** Steps after which the chain is no query sent here. */
const NOT_SENT = new Set(['$dynamic', 'prepare', 'as', 'toSQL', 'getSQL', 'getQuery', 'union', 'unionAll', 'intersect', 'intersectAll', 'except', 'exceptAll', '$count']);

/** A cheap test of a file's text: Drizzle's query starts. */
export function mayQueryDrizzle(text: string): boolean {
  return /\.(select|selectDistinct|selectDistinctOn|insert|update|delete)\s*\(|\.query\s*\.\s*\w+\s*\.\s*find(Many|First)\b/.test(text);
}

/** The query a Drizzle chain sends, given the outermost node (its `await` included); undefined when it is no Drizzle query QueryLens can read. */
export function drizzleQuery(node: Node, text: string, context: QueryReaderContext): BuiltQuery | undefined {
  const models = context.models.filter((m) => m.orm === 'drizzle');
  if (models.length === 0) return undefined;
  const awaited = node.type === 'await_expression' || sentByParent(node);
  const top = unwrap(node.type === 'await_expression' ? (node.namedChildren[0] ?? node) : node);
  if (top.type !== 'call_expression') return undefined;
  const { base, steps } = splitChain(top);
  if (!base || steps.length === 0) return undefined;
  const program = rootOf(node);
  const reader = new Reader(models, program, text);
  const built = relationalQuery(reader, base, steps, awaited) ?? sqlLikeQuery(reader, steps, awaited);
  return built && { ...built, span: spanOf(node) };
}

// ---------------------------------------------------------------------------------------------
// The SQL-like API

function sqlLikeQuery(q: Reader, steps: Step[], awaited: boolean): Omit<BuiltQuery, 'span'> | undefined {
  const start = steps.findIndex((s) => Object.hasOwn(STARTS, s.name));
  // The start is the instance's own method (`db.select`, `this.db.select`, `tx.insert`): nothing before it but the instance.
  if (start < 0 || steps.slice(0, start).length > 0) return undefined;
  const kind = STARTS[steps[start]!.name]!;
  q.model.kind = kind;
  let fields: Node | undefined;
  if (kind === 'select') {
    const first = steps[start]!;
    fields = first.name === 'selectDistinctOn' ? first.args[1] : first.args[0];
    if (first.name !== 'select') q.model.distinct = true;
  } else if (!q.addTable(steps[start]!.args[0])) return undefined;
  let terminal: Terminal | undefined;
  let returning = false;
  let lastEnd = steps[start]!.call.endIndex;
  let terminalAt: number | undefined;
  let whereUnread = false;
  /** What a write sets (`.values(..)`, `.set(..)`), and `.onConflictDoNothing()`. */
  let written: Node | undefined;
  let conflict: 'nothing' | 'other' | undefined;
  for (const step of steps.slice(start + 1)) {
    if (terminal !== undefined) {
      if (!['then', 'catch', 'finally'].includes(step.name)) return undefined;
      continue;
    }
    if (NOT_SENT.has(step.name)) return undefined;
    const dot = dotBefore(step);
    switch (step.name) {
      case 'from':
        if (kind !== 'select' || q.model.tables.length > 0 || !q.addTable(step.args[0])) return undefined;
        break;
      case 'where':
        if (q.condition(step.args[0], false) === 0) whereUnread = true;
        break;
      case 'orderBy':
        for (const a of step.args) q.orderItem(a);
        break;
      case 'groupBy':
        for (const a of step.args) {
          const c = q.column(a);
          if (c) q.model.groupBy.push(c);
        }
        break;
      case 'limit':
      case 'offset':
        q.bound(step.name, step);
        break;
      case 'set':
      case 'values':
        if (kind === 'select') {
          terminal = 'all';
          terminalAt = dot;
          continue;
        }
        step.args.forEach((a) => q.note(a));
        written = step.args[0];
        break;
      case 'returning':
      case '$returningId':
        returning = true;
        break;
      case 'execute':
      case 'then':
      case 'catch':
      case 'finally':
      case 'all':
        terminal = 'all';
        terminalAt = dot;
        continue;
      case 'get':
        terminal = 'first';
        terminalAt = dot;
        continue;
      case 'run':
        terminal = 'execute';
        terminalAt = dot;
        continue;
      default:
        if (Object.hasOwn(JOINS, step.name)) {
          if (kind === 'update' || kind === 'delete' || !q.join(step, JOINS[step.name]!)) return undefined;
          break;
        }
        if (!NEUTRAL.has(step.name)) return undefined;
        step.args.forEach((a) => q.note(a));
        if (step.name.startsWith('onConflict') || step.name === 'onDuplicateKeyUpdate') conflict = step.name === 'onConflictDoNothing' && step.args.length === 0 ? 'nothing' : 'other';
    }
    lastEnd = step.call.endIndex;
  }
  if (q.model.tables.length === 0) return undefined;
  // Filtered by a condition QueryLens cannot read at all (a variable, a ternary): not the query of every row the model would say.
  if (whereUnread && q.model.predicates.length === 0) return undefined;
  if (kind === 'select') q.selected(fields);
  // The SQL sent, when all of it is read: every condition, every value, no conflict clause but `do nothing`.
  if (kind !== 'select' && !q.partial && !whereUnread && conflict !== 'other') {
    const write = drizzleWrite(kind, q.model.tables[0] ? q.modelOfTable(q.model.tables[0].name) : undefined, written);
    if (write) q.model.write = { ...write, ...(conflict ? { onConflict: { target: [], update: [] } } : {}), ...(returning ? { returning } : {}) };
  }
  let t: Terminal = terminal ?? (awaited ? 'all' : 'unknown');
  if (kind === 'select' && t === 'all' && q.model.limit?.value === 1) t = 'first';
  if (kind !== 'select' && t !== 'unknown' && !returning) t = 'execute';
  const beforeTerminal = kind === 'select' && t !== 'unknown' ? (terminalAt ?? lastEnd) : undefined;
  return { library: 'drizzle', model: q.finish(), statementKind: kind, terminal: t, ...(beforeTerminal !== undefined ? { beforeTerminal } : {}), parameterRoots: [...q.roots] };
}

// ---------------------------------------------------------------------------------------------
// The relational API

function relationalQuery(q: Reader, base: Node, steps: Step[], awaited: boolean): Omit<BuiltQuery, 'span'> | undefined {
  // db.query.users.findMany(...)
  const find = steps[0];
  if (!find || (find.name !== 'findMany' && find.name !== 'findFirst')) return undefined;
  const b = unwrap(base);
  if (b.type !== 'member_expression') return undefined;
  const query = unwrap(b.childForFieldName('object')!);
  if (query.type !== 'member_expression' || query.childForFieldName('property')?.text !== 'query') return undefined;
  const key = b.childForFieldName('property');
  const model = key && q.modelNamed(key.text);
  if (!key || !model) return undefined;
  q.model.tables.push({ name: model.table, span: spanOf(key) });
  let terminal: Terminal | undefined;
  for (const step of steps.slice(1)) {
    if (['then', 'catch', 'finally', 'execute'].includes(step.name)) terminal ??= 'all';
    else return undefined;
  }
  const options = find.args[0] && unwrap(find.args[0]);
  if (find.args.length > 1 || (options && options.type !== 'object')) return undefined;
  if (options && !readOptions(q, options, model)) return undefined;
  if (find.name === 'findFirst') q.model.limit = { span: spanOf(find.nameNode), value: 1 };
  let t: Terminal = terminal ?? (awaited ? 'all' : 'unknown');
  if (find.name === 'findFirst' && t === 'all') t = 'first';
  return { library: 'drizzle', model: q.finish(), statementKind: 'select', terminal: t, parameterRoots: [...q.roots] };
}

/**
 * The options of `findMany`/`findFirst` (or of a relation in `with`) into `q.model`: false when one
 * cannot be read (a spread, a shorthand, a `where` QueryLens cannot read at all).
 */
function readOptions(q: Reader, options: Node, model: HostModel): boolean {
  for (const entry of options.namedChildren) {
    if (entry.type === 'comment') continue;
    if (entry.type !== 'pair') return false; // a spread, a shorthand `where`: options QueryLens cannot see
    const name = entry.childForFieldName('key')?.text;
    const value = entry.childForFieldName('value');
    if (!value) return false;
    switch (name) {
      case 'where':
        // Filtered, but QueryLens cannot say how: not the read of every row the model would say.
        if (q.callbackOrValue(value, model, (body, disjunctive) => q.condition(body, disjunctive)) === 0) return false;
        break;
      case 'orderBy':
        q.callbackOrValue(value, model, (body) => {
          const items = unwrap(body).type === 'array' ? unwrap(body).namedChildren : [body];
          for (const item of items) q.orderItem(item);
          return items.length;
        });
        break;
      case 'limit':
      case 'offset': {
        const v = unwrap(value);
        const n = v.type === 'number' && /^\d+$/.test(v.text) ? Number(v.text) : undefined;
        q.note(value);
        q.model[name] = { span: spanOf(entry), ...(n !== undefined ? { value: n } : {}) };
        break;
      }
      case 'columns':
        for (const pair of unwrap(value).type === 'object' ? unwrap(value).namedChildren : []) {
          const field = pair.type === 'pair' && pair.childForFieldName('value')?.text === 'true' ? model.fields?.find((f) => f.name === pair.childForFieldName('key')?.text && !f.relation) : undefined;
          if (field) q.model.columns.push({ table: model.table, column: field.column, span: spanOf(pair) });
        }
        break;
      case 'with':
        q.loadRelations(value, model);
        break;
      case 'extras':
        q.note(value);
        break;
      default:
        return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Tables, columns, conditions

class Reader {
  model: QueryModel = emptyQuery('select');
  roots = new Set<string>();
  /** Callback parameters: table aliases (`u` of `(u, { eq }) => ...`) and the operators' names. */
  private readonly aliases = new Map<string, HostModel>();
  private readonly operators = new Map<string, string>();
  private readonly hidden = new Set<string>();
  private readonly imported: Set<string>;
  /** A condition was left out (not read): a write is then not rendered. */
  partial = false;

  constructor(
    private readonly models: HostModel[],
    private readonly program: Node,
    private readonly text: string,
  ) {
    this.imported = boundNames(program);
  }

  /**
   * The Drizzle model a variable or a key of `db.query` names (the table's variable). Two
   * tables of one name (a second schema file) are one when they are the same table (their
   * fields together); else the name is ambiguous.
   */
  modelNamed(name: string): HostModel | undefined {
    const found = this.models.filter((m) => m.className === name);
    if (found.length <= 1) return found[0];
    if (found.some((m) => m.table !== found[0]!.table)) return undefined;
    const fields = new Map<string, NonNullable<HostModel['fields']>[number]>();
    for (const m of found) for (const f of m.fields ?? []) if (!fields.has(f.name)) fields.set(f.name, f);
    return { ...found[0]!, fields: [...fields.values()] };
  }

  /** The model a table expression names: an imported or declared table variable, or `schema.users`. */
  tableOf(node: Node | undefined): HostModel | undefined {
    const n = node && unwrap(node);
    if (!n) return undefined;
    if (n.type === 'identifier') return this.aliases.get(n.text) ?? (this.imported.has(n.text) ? this.modelNamed(n.text) : undefined);
    if (n.type === 'member_expression') {
      const object = unwrap(n.childForFieldName('object')!);
      if (object.type === 'identifier' && this.imported.has(object.text)) return this.modelNamed(n.childForFieldName('property')?.text ?? '');
    }
    return undefined;
  }

  /** The model of a table already added. */
  modelOfTable(table: string): HostModel | undefined {
    return this.models.find((m) => m.table === table);
  }

  addTable(node: Node | undefined): boolean {
    const model = this.tableOf(node);
    if (!model) return false;
    this.model.tables.push(tableRef(model, node!));
    return true;
  }

  join(step: Step, kind: JoinInfo['kind']): boolean {
    const model = this.tableOf(step.args[0]);
    if (!model) return false;
    const join: JoinInfo = { table: tableRef(model, step.args[0]!), kind, conditions: [] };
    this.model.joins.push(join);
    const on = step.args[1];
    if (on) {
      const before = this.model.predicates.length;
      this.condition(on, false);
      // Column = column in the ON: the join's conditions; the rest stays among the predicates.
      const read = this.model.predicates.splice(before);
      for (const p of read) {
        if (p.op === 'eq' && p.valueKind === 'column' && p.valueColumn && !p.disjunctive) join.conditions.push({ left: p.column, right: p.valueColumn });
        else this.model.predicates.push(p);
      }
      this.model.equalities = this.model.equalities.filter((e) => !read.some((p) => p.column === e.left));
    }
    return true;
  }

  /**
   * `with: { servers: true, owner: { columns: {...}, with: {...} } }`: each relation of `relations()` is a
   * subquery on its table that Drizzle runs per row (a lateral join), filtered by the relation's key
   * columns (the target's foreign key, or the key a `one` references) and by its own options. A relation
   * QueryLens does not know (no `relations()` read for it) is only noted.
   */
  loadRelations(value: Node, parent: HostModel): void {
    const v = unwrap(value);
    if (v.type !== 'object') return this.note(value);
    for (const pair of v.namedChildren) {
      if (pair.type !== 'pair') {
        if (pair.type !== 'comment') this.note(pair);
        continue;
      }
      const key = pair.childForFieldName('key')!;
      const options = pair.childForFieldName('value');
      const rel = parent.fields?.find((f) => f.name === key.text && f.relation)?.relation;
      const target = rel && this.modelNamed(rel.target);
      if (!rel || !target || !options) {
        if (options) this.note(options);
        continue;
      }
      const outer = this.model;
      const sub = emptyQuery('select');
      sub.tables.push({ name: target.table, span: spanOf(key) });
      for (const column of rel.references) {
        sub.predicates.push({ column: { table: target.table, qualifier: target.table, column, span: spanOf(key) }, op: 'eq', valueKind: 'param', disjunctive: false, span: spanOf(pair) });
      }
      const read = unwrap(options);
      this.model = sub;
      if (read.type === 'object') readOptions(this, read, target);
      else this.note(options);
      this.model = outer;
      outer.subqueries.push(sub);
    }
  }

  /** `users.orgId` (or an alias's `u.orgId`, `schema.users.orgId`) → the column the field maps to. */
  column(node: Node | undefined): ColumnRef | undefined {
    const n = node && unwrap(node);
    if (n?.type !== 'member_expression') return undefined;
    const model = this.tableOf(n.childForFieldName('object')!);
    const property = n.childForFieldName('property');
    const field = model?.fields?.find((f) => f.name === property?.text);
    if (!model || !field) return undefined;
    return { table: model.table, qualifier: model.table, column: field.column, span: spanOf(n) };
  }

  /** The name an operator goes by here (`eq`, or a callback's renamed `{ eq: equals }`): drizzle-orm's, or undefined. */
  private operator(callee: Node): string | undefined {
    if (callee.type !== 'identifier') return undefined;
    const fromCallback = this.operators.get(callee.text);
    if (fromCallback) return fromCallback;
    const binding = fileLibraries(this.program).names.get(callee.text);
    return binding?.library === 'drizzle' ? (binding.imported === 'default' ? callee.text : binding.imported) : undefined;
  }

  /** Reads a condition into the predicates; returns how many it read (0: nothing QueryLens can say). */
  condition(node: Node | undefined, disjunctive: boolean): number {
    const n = node && unwrap(node);
    if (!n) return 0;
    if (n.type !== 'call_expression') {
      this.note(n);
      this.partial = true;
      return 0;
    }
    const callee = unwrap(n.childForFieldName('function')!);
    const op = this.operator(callee);
    const args = argsOf(n);
    if (op === 'and' || op === 'or' || op === 'not') {
      let read = 0;
      for (const a of args) read += this.condition(a, disjunctive || op !== 'and');
      return read;
    }
    if (!op || !Object.hasOwn(COMPARISONS, op)) {
      this.note(n);
      this.partial = true;
      return 0;
    }
    const column = this.column(args[0]);
    if (!column) {
      args.forEach((a) => this.note(a));
      this.partial = true;
      return 0;
    }
    const value = args[1];
    const other = op === 'eq' || op === 'ne' ? this.column(value) : undefined;
    if (other) {
      this.model.predicates.push({ column, op: COMPARISONS[op]!, valueKind: 'column', valueColumn: other, disjunctive, span: spanOf(n) });
      if (op === 'eq' && !disjunctive) this.model.equalities.push({ left: column, right: other });
      return 1;
    }
    args.slice(1).forEach((a) => this.note(a));
    const predicateOp = COMPARISONS[op]!;
    const valueKind: ValueKind = predicateOp === 'is_null' || op === 'isNotNull' ? 'null' : value ? this.valueKind(value) : 'literal';
    const predicate = { column, op: predicateOp, valueKind, disjunctive, span: spanOf(n) } as QueryModel['predicates'][number];
    if ((predicateOp === 'like' || predicateOp === 'ilike') && value) {
      const pattern = likePattern(value, this.program, this.text);
      if (pattern !== undefined) predicate.pattern = pattern;
    }
    this.model.predicates.push(predicate);
    return 1;
  }

  private valueKind(value: Node): ValueKind {
    const v = unwrap(value);
    if (v.type === 'null') return 'null';
    if (['string', 'number', 'true', 'false'].includes(v.type)) return 'literal';
    if (v.type === 'template_string' && v.namedChildren.every((c) => c.type === 'string_fragment')) return 'literal';
    if (v.type === 'array' && v.namedChildren.every((c) => ['string', 'number', 'true', 'false'].includes(c.type))) return 'literal';
    if (v.type === 'call_expression') {
      const { steps } = splitChain(v);
      if (steps.some((s) => s.name === 'from')) return 'subquery';
    }
    if (v.type === 'call_expression' && unwrap(v.childForFieldName('function')!).text === 'sql') return 'expression';
    return 'param';
  }

  /** `desc(t.c)`, `asc(t.c)`, `t.c`; anything else (an `sql` expression) is left out. */
  orderItem(node: Node): void {
    const n = unwrap(node);
    if (n.type === 'call_expression') {
      const op = this.operator(unwrap(n.childForFieldName('function')!));
      const column = op === 'asc' || op === 'desc' ? this.column(argsOf(n)[0]) : undefined;
      if (column) this.model.orderBy.push({ column, desc: op === 'desc' });
      return;
    }
    const column = this.column(n);
    if (column) this.model.orderBy.push({ column, desc: false });
  }

  bound(name: 'limit' | 'offset', step: Step): void {
    const v = step.args[0] && unwrap(step.args[0]);
    const value = v?.type === 'number' && /^\d+$/.test(v.text) ? Number(v.text) : undefined;
    if (v) this.note(v);
    this.model[name] = { span: { start: step.nameNode.startIndex, end: step.call.endIndex }, ...(value !== undefined ? { value } : {}) };
  }

  /** The select's fields object: its columns, and whether an aggregate makes it one row. */
  selected(fields: Node | undefined): void {
    const n = fields && unwrap(fields);
    if (n?.type !== 'object') return;
    for (const entry of n.namedChildren) {
      const value = entry.type === 'pair' ? entry.childForFieldName('value') : undefined;
      if (!value) continue;
      const v = unwrap(value);
      const column = this.column(v);
      if (column) {
        this.model.columns.push(column);
        continue;
      }
      if (v.type === 'call_expression') {
        const callee = unwrap(v.childForFieldName('function')!);
        const op = this.operator(callee);
        if (op && AGGREGATES.has(op)) this.model.isAggregate = true;
        else if (callee.text === 'sql' || callee.type === 'instantiation_expression') {
          const template = v.childForFieldName('arguments');
          if (template?.type === 'template_string' && /^`\s*(count|sum|avg|min|max)\s*\(/i.test(template.text)) this.model.isAggregate = true;
        }
      }
    }
  }

  /** An option that is a callback `(u, { eq, and }) => body` (its parameters bound for the body) or a value; `read` gets the body. */
  callbackOrValue(value: Node, model: HostModel, read: (body: Node, disjunctive: boolean) => number): number {
    const v = unwrap(value);
    if (v.type !== 'arrow_function') return read(v, false);
    const params = v.childForFieldName('parameters')?.namedChildren ?? [];
    const single = v.childForFieldName('parameter');
    const [table, ops] = single ? [single, undefined] : [params[0]?.childForFieldName('pattern') ?? params[0], params[1]?.childForFieldName('pattern') ?? params[1]];
    if (table?.type === 'identifier') {
      this.aliases.set(table.text, model);
      this.hidden.add(table.text);
    }
    if (ops?.type === 'object_pattern') {
      for (const p of ops.namedChildren) {
        if (p.type === 'shorthand_property_identifier_pattern') this.operators.set(p.text, p.text);
        else if (p.type === 'pair_pattern') {
          const local = p.childForFieldName('value');
          const name = p.childForFieldName('key')?.text;
          if (local?.type === 'identifier' && name) this.operators.set(local.text, name);
        }
      }
      for (const name of this.operators.keys()) this.hidden.add(name);
    }
    let body = v.childForFieldName('body');
    if (body?.type === 'statement_block') {
      const statements = body.namedChildren.filter((c) => c.type !== 'comment');
      body = statements.length === 1 && statements[0]!.type === 'return_statement' ? (statements[0]!.namedChildren[0] ?? null) : null;
    }
    return body ? read(body, false) : 0;
  }

  /** The program's values `value` reads (drizzle-orm's own functions, `sql` and the operators, are none). */
  note(value: Node): void {
    const names = fileLibraries(this.program).names;
    for (const name of expressionRoots(value)) {
      if (!this.hidden.has(name) && name !== 'undefined' && names.get(name)?.library !== 'drizzle') this.roots.add(name);
    }
  }

  finish(): QueryModel {
    resolveColumns(this.model);
    if (this.model.groupBy.length > 0) this.model.isAggregate = false;
    return this.model;
  }
}

function tableRef(model: HostModel, node: Node): TableRef {
  const create = model.changes.find((c) => c.kind === 'createTable');
  const schema = create?.kind === 'createTable' ? create.schema : undefined;
  return { name: model.table, ...(schema ? { schema } : {}), span: spanOf(node) };
}

/** Names the file binds at its top: imports (`import { users }`, `import * as schema`) and its own declarations. */
const boundByRoot = new WeakMap<Node, Set<string>>();
function boundNames(program: Node): Set<string> {
  let names = boundByRoot.get(program);
  if (names) return names;
  names = new Set();
  for (const n of program.descendantsOfType(['import_specifier', 'namespace_import', 'import_clause', 'variable_declarator'])) {
    if (n.type === 'import_specifier') {
      const local = n.childForFieldName('alias') ?? n.childForFieldName('name');
      if (local) names.add(local.text);
    } else if (n.type === 'namespace_import' || n.type === 'import_clause') {
      for (const c of n.namedChildren) if (c.type === 'identifier') names.add(c.text);
    } else {
      const name = n.childForFieldName('name');
      if (name?.type === 'identifier') names.add(name.text);
      // const { users } = require('./schema')
      else if (name?.type === 'object_pattern') for (const p of name.namedChildren) if (p.type === 'shorthand_property_identifier_pattern') names.add(p.text);
    }
  }
  boundByRoot.set(program, names);
  return names;
}

/** `a.b(..).c(..)` → base `a`, steps b, c (in source order). */
function splitChain(top: Node): { base?: Node; steps: Step[] } {
  const steps: Step[] = [];
  let n: Node | undefined = top;
  while (n?.type === 'call_expression') {
    const fn = unwrap(n.childForFieldName('function')!);
    if (fn.type !== 'member_expression') break;
    const nameNode = fn.childForFieldName('property');
    if (!nameNode || nameNode.type !== 'property_identifier' || fn.text.includes('?.')) return { steps };
    steps.push({ name: nameNode.text, call: n, nameNode, args: argsOf(n) });
    n = unwrap(fn.childForFieldName('object')!);
  }
  return { base: n, steps: steps.reverse() };
}

/** Where `.name(...)` starts: the end of the call it is made on. */
function dotBefore(step: Step): number {
  return unwrap(step.call.childForFieldName('function')!).childForFieldName('object')!.endIndex;
}

