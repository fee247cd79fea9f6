/**
 * Prisma Client calls → QueryModel, as builders.ts does for knex and Kysely:
 * `prisma.user.findMany({ where, orderBy, take, select })` is read as the
 * SELECT Prisma sends, on the table of the model whose accessor it is (the
 * model's name with a lower-case first letter; `@@map`), each field named in
 * the arguments as its column (`@map`), every span a file offset.
 *
 * The client goes by any name (`prisma`, `db`, `this.prisma`, `ctx.db`, a
 * `tx` of `$transaction(async (tx) => ...)`, `prisma.client`): what makes a
 * call Prisma's is a model accessor of the workspace's schema.prisma followed
 * by one of Prisma Client's model methods. Drizzle's `db.query.users.findMany`
 * (a receiver ending in `.query`) is not.
 *
 * Only what is certain is rendered:
 * - the arguments must be written as an object literal; a variable
 *   (`findMany(args)`) or a spread of the arguments (`{ ...args, where }`, which
 *   may add a `take` or a `where`) leaves the call unread;
 * - a `where` that is a variable, or holds a spread or a key that is no field
 *   (a compound unique `a_b`), has conditions QueryLens cannot see, and they
 *   may pin a key or use an index: of such a read only the table and its
 *   limit are kept (no conditions, no order), and whether it returns every row
 *   is unknown (terminal 'unknown'): it still counts as a query in a loop;
 * - conditions seen but not modelled (`search`, `has`, a relation filter with
 *   no single key) are left out of a read (the rest stays true: more ANDed
 *   conditions, none pins a key);
 * - a write (update/delete) whose filter is not read whole is not read at all
 *   (it could look unfiltered).
 *
 * The SQL Prisma sends (its query engine, relationLoadStrategy 'query'):
 * - `findFirst`/`findUnique` (and `OrThrow`) end with LIMIT 1; `count` and
 *   `aggregate` are aggregates; `groupBy({ by })` groups;
 * - `contains`/`startsWith`/`endsWith` are LIKE '%x%' / 'x%' / '%x'
 *   (ILIKE with `mode: 'insensitive'`), `in` IN, `notIn`/`not` <>, `gt`..`lte`
 *   ranges, `equals` =, `null` IS NULL; under `OR`/`NOT` a condition is
 *   disjunctive;
 * - a relation filter is a subquery on the related table
 *   (`author: { is: { name } }` → `"authorId" IN (SELECT "id" FROM "User" WHERE "name" = $1)`,
 *   `posts: { some: {...} }` → `"id" IN (SELECT "authorId" FROM "Post" WHERE ...)`;
 *   `none`/`every`/`isNot` → NOT IN);
 * - `include`/`select` of a relation on a read loads it with one more query
 *   per relation (`relationQueries`), not with the rows' own query;
 * - `take` is the LIMIT, `skip` the OFFSET; a `cursor` alone bounds nothing.
 *
 * A Prisma query is sent whether it is awaited or handed on (a PrismaPromise
 * has its arguments fixed: the caller cannot add a `take`), so the terminal
 * follows the method alone.
 */
import type { HostModel, ModelField, Terminal } from '../host/types';
import type { BuiltQuery } from '../host/typescript/builders';
import type { QueryReaderContext } from '../host/typescript/orms';
import { expressionRoots, spanOf, unwrap } from '../host/typescript/syntax';
import type { SyntaxNode } from '../host/treesitter';
import { emptyQuery, resolveColumns } from '../sql/build';
import { prismaWrite } from './write-data';
import type { ColumnRef, Predicate, PredicateOp, QueryModel, Span, StatementKind, ValueKind } from '../sql/model';

/** Prisma Client's model methods: the statement each sends and what the call returns. */
export const PRISMA_METHODS: Record<string, { kind: StatementKind; terminal: Terminal }> = {
  findMany: { kind: 'select', terminal: 'all' },
  findFirst: { kind: 'select', terminal: 'first' },
  findFirstOrThrow: { kind: 'select', terminal: 'one' },
  findUnique: { kind: 'select', terminal: 'first' },
  findUniqueOrThrow: { kind: 'select', terminal: 'one' },
  count: { kind: 'select', terminal: 'scalar' },
  aggregate: { kind: 'select', terminal: 'one' },
  groupBy: { kind: 'select', terminal: 'all' },
  create: { kind: 'insert', terminal: 'one' },
  createMany: { kind: 'insert', terminal: 'execute' },
  createManyAndReturn: { kind: 'insert', terminal: 'all' },
  update: { kind: 'update', terminal: 'one' },
  updateMany: { kind: 'update', terminal: 'execute' },
  updateManyAndReturn: { kind: 'update', terminal: 'all' },
  upsert: { kind: 'insert', terminal: 'one' },
  delete: { kind: 'delete', terminal: 'one' },
  deleteMany: { kind: 'delete', terminal: 'execute' },
};

const METHOD_CALL = new RegExp(`\\.(${Object.keys(PRISMA_METHODS).join('|')})\\s*[(<]`);

/**
 * Whether a file's text may hold a Prisma Client model call (a cheap test): one of the methods called,
 * and the accessor of one of the workspace's models after a dot, then one of the methods, called
 * (`.user.findMany(`), or what `prismaCallShape` unwraps first (`.user!`, `(db.user)`, `.user as T`).
 * (documenso: `.delete(`, `.update(` and `.count(` of maps, forms and query clients are in 515 of
 * its 2,093 files; 30 of them name no model's accessor; 7 others name one but call no method on it
 * (`session.user.id`, tRPC's `trpc.team.update.useMutation()`), 111 KB parsed for nothing before.)
 */
export function mayQueryPrisma(text: string, models: readonly HostModel[]): boolean {
  return METHOD_CALL.test(text) && accessorsOf(models).test(text);
}

/**
 * A space or a comment, read one way only: a line comment to its line's end, a block comment to
 * its first end (a run of `/` matched as comments of any lengths made the test's failures exponential).
 */
const TRIVIA = String.raw`(?:\s|\/\/[^\n]*(?:\n|$)|\/\*(?:[^*]|\*(?!\/))*\*\/)`;

/**
 * `.user.findMany`, `.post` then `.count` on the next line, `.user!.`, `.user).`, `.user as`: the accessors
 * of the workspace's Prisma models after a dot and before a method (or a wrapper), kept per models list.
 */
const ACCESSORS = new WeakMap<readonly HostModel[], RegExp>();
function accessorsOf(models: readonly HostModel[]): RegExp {
  let test = ACCESSORS.get(models);
  if (!test) {
    const names = [...new Set(models.filter((m) => m.orm === 'prisma' && m.fields !== undefined).map((m) => lowerFirst(m.className)))];
    const methods = Object.keys(PRISMA_METHODS).join('|');
    // Each name (the accessor, then the method) followed by what may stand between it and the next: spaces and
    // comments, a wrapper `prismaCallShape` unwraps (`!`, `)`, `as T`, `satisfies T`: the rest unread), and for the
    // method, an optional call (`?.(`, the `?.` is no part of the callee) and its arguments or type arguments.
    const wrapped = String.raw`(?:${TRIVIA}|[!)])*`;
    test = names.length === 0 ? /(?!)/ : new RegExp(String.raw`\.${TRIVIA}*(?:${names.join('|')})\b${wrapped}(?:\b(?:as|satisfies)\b|\.${TRIVIA}*(?:${methods})\b${wrapped}(?:\b(?:as|satisfies)\b|(?:\?\.${TRIVIA}*)?[(<\`]))`);
    ACCESSORS.set(models, test);
  }
  return test;
}

/** The Prisma model a call's accessor names (`user` → model User), among the workspace's Prisma models. */
export function modelOfAccessor(models: readonly HostModel[], accessor: string): HostModel | undefined {
  return models.find((m) => m.orm === 'prisma' && m.fields !== undefined && lowerFirst(m.className) === accessor);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** A Prisma Client model call as written: `receiver.accessor.method(args)`. */
export interface PrismaCall {
  call: SyntaxNode;
  receiver: SyntaxNode;
  accessor: SyntaxNode;
  method: SyntaxNode;
  /** The arguments object, when there is one. */
  args?: SyntaxNode;
  model: HostModel;
}

/** The Prisma call at `node` (the outermost node of a chain, its `await` included). */
export function prismaCall(node: SyntaxNode, models: readonly HostModel[]): PrismaCall | undefined {
  const shape = prismaCallShape(node);
  const model = shape && modelOfAccessor(models, shape.accessor.text);
  return shape && model ? { ...shape, model } : undefined;
}

/** `receiver.accessor.method(args?)` with a Prisma Client method, whatever the accessor names. */
export function prismaCallShape(node: SyntaxNode): Omit<PrismaCall, 'model'> | undefined {
  const top = unwrap(node.type === 'await_expression' ? (node.namedChildren[0] ?? node) : node);
  if (top.type !== 'call_expression') return undefined;
  const fn = unwrap(top.childForFieldName('function') ?? top);
  if (fn.type !== 'member_expression' || fn.text.includes('?.')) return undefined;
  const method = fn.childForFieldName('property');
  if (!method || !Object.hasOwn(PRISMA_METHODS, method.text)) return undefined;
  const owner = unwrap(fn.childForFieldName('object') ?? fn);
  if (owner.type !== 'member_expression') return undefined;
  const accessor = owner.childForFieldName('property');
  const receiver = owner.childForFieldName('object');
  if (!accessor || accessor.type !== 'property_identifier' || !receiver || !isClient(unwrap(receiver))) return undefined;
  const args = (top.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c.type !== 'comment');
  if (args.length > 1) return undefined;
  return { call: top, receiver: unwrap(receiver), accessor, method, ...(args[0] ? { args: unwrap(args[0]) } : {}) };
}

/** `prisma`, `db`, `tx`, `this.prisma`, `ctx.db`, `prisma.client`: names and member paths; not Drizzle's `db.query`. */
function isClient(node: SyntaxNode): boolean {
  if (node.type === 'identifier' || node.type === 'this') return true;
  if (node.type !== 'member_expression') return false;
  const property = node.childForFieldName('property');
  const object = node.childForFieldName('object');
  if (!property || property.type !== 'property_identifier' || property.text === 'query' || !object) return false;
  return isClient(unwrap(object));
}

/** The query a Prisma Client call sends; undefined when it is no such call or cannot be read faithfully. */
export function prismaQuery(node: SyntaxNode, _text: string, context: QueryReaderContext): BuiltQuery | undefined {
  const found = prismaCall(node, context.models);
  if (!found) return undefined;
  const method = found.method.text;
  const { kind, terminal } = PRISMA_METHODS[method]!;
  const reader = new ArgsReader(found.model, context.models, kind, spanOf(found.accessor));
  const model = reader.read(found.args, method, spanOf(found.method));
  if (!model) return undefined;
  const relations: BuiltQuery[] = [];
  if (LOADS_RELATIONS.has(method) && reader.loads.length > 0) {
    const join = reader.strategy === 'join' || (reader.strategy === undefined && found.model.relationJoins === true);
    const one = method.startsWith('findUnique') || method.startsWith('findFirst');
    relationQueries(reader.loads, context.models, { one, limited: method.startsWith('findUnique'), join }, model, relations);
  }
  return {
    library: 'prisma',
    model,
    statementKind: kind,
    // Unseen conditions may pin the rows (`where: { id: { in: ids } }` built elsewhere): whether every row comes back is unknown.
    terminal: reader.hidesConditions && terminal === 'all' ? 'unknown' : terminal,
    span: spanOf(node),
    parameterRoots: [...reader.roots],
    entity: found.model.className,
    ...(method.startsWith('createMany') ? { manyRows: true } : {}),
    ...(kind === 'select' ? { loadedWith: loadedWith(found.model, model, context.models) } : {}),
    ...(relations.length > 0 ? { relationQueries: relations } : {}),
  };
}

/** The reads whose `include`/`select` of relations QueryLens reads as the queries they send. */
const LOADS_RELATIONS = new Set(['findMany', 'findFirst', 'findFirstOrThrow', 'findUnique', 'findUniqueOrThrow']);

/**
 * `include: { tasks: true }` / `select: { tasks: { where, orderBy, take } }`: the SELECT Prisma Client sends per
 * relation (relationLoadStrategy 'query', its default), after the rows' own, over the parents' keys, as seen in
 * its query log (Prisma 7.10, PostgreSQL; test/unit/prisma/client.test.ts):
 *
 *     agent.findMany({ where: { tenantId }, include: { tasks: true } })
 *       SELECT ... FROM "agents" WHERE "agents"."tenant_id" = $1
 *       SELECT ... FROM "tasks" WHERE "tasks"."agent_id" IN ($1,$2)
 *     task.findMany({ include: { agent: true } })              → ... FROM "agents" WHERE "agents"."id" IN (...)
 *     agent.findUnique({ where: { id }, include: { tasks: { where: { status }, orderBy: { createdAt: 'desc' }, take: 5 } } })
 *       SELECT ... FROM "tasks" WHERE ("tasks"."status" = $1 AND "tasks"."agent_id" = $2) ORDER BY "tasks"."created_at" DESC LIMIT $3
 *
 * Each query's table is the relation's model, its key condition the relation's key columns on that table
 * (spanning the relation's key in the object), with the relation's own `where` and `orderBy`. Below
 * `findUnique` Prisma compares the key with `=` and sends `take`/`skip` as LIMIT/OFFSET; elsewhere it sends
 * `IN (...)` and applies `take`/`skip` to each parent's rows in memory (no LIMIT: every related row is read).
 * Below one row (`findFirst`, or a to-one relation of one) the list holds one key, `IN ($1)`, which
 * PostgreSQL reads as `= $1`: the model says `eq` there. Nested `include`s are read the same way from their
 * parent relation's rows. `relationLoadStrategy: 'join'` (the default with the relationJoins preview feature)
 * loads them in the rows' own statement instead, as lateral subqueries: subqueries of `parent`.
 * An implicit many-to-many relation (through its `_AToB` table) is not read.
 */
function relationQueries(loads: RelationLoad[], models: readonly HostModel[], mode: { one: boolean; limited: boolean; join: boolean }, parent: QueryModel, out: BuiltQuery[]): void {
  for (const { key, field, options, parent: owner } of loads) {
    const relation = field.relation!;
    const target = models.find((m) => m.orm === 'prisma' && m.className === relation.target);
    if (!target || relation.references.length === 0 || relation.references.length !== relation.columns.length) continue;
    const span = spanOf(key);
    const keys = relation.references.map((column): Predicate => ({
      column: { table: tableName(target), column, span },
      op: mode.one ? 'eq' : 'in',
      valueKind: 'param',
      disjunctive: false,
      span,
    }));
    const reader = new ArgsReader(target, models, 'select', span, { keys, bounded: mode.limited || mode.join });
    const model = reader.read(options, 'findMany');
    if (!model) continue;
    const one = mode.one && !relation.many;
    if (mode.join) parent.subqueries.push(model);
    else {
      out.push({
        library: 'prisma',
        model,
        statementKind: 'select',
        terminal: reader.hidesConditions ? 'unknown' : one ? 'first' : 'all',
        span,
        parameterRoots: [...reader.roots],
        entity: target.className,
        loadsRelation: { parent: owner, relation: field.name },
      });
    }
    relationQueries(reader.loads, models, { one, limited: false, join: mode.join }, model, out);
  }
}

/**
 * The relations that load a read's rows with another model's (`include: { posts: true }` on User
 * for `post.findMany({ where: { authorId } })`): per column the read pins by equality, each other
 * model's relation field whose rows are this model's by that key. A model with two such relations
 * (`author` and `editor` both to User) names neither: which one is meant the key alone says.
 */
function loadedWith(model: HostModel, q: QueryModel, models: readonly HostModel[]): NonNullable<BuiltQuery['loadedWith']> {
  const out: NonNullable<BuiltQuery['loadedWith']> = [];
  const pinned = new Set(q.predicates.filter((p) => p.op === 'eq' && !p.disjunctive && p.valueKind !== 'subquery').map((p) => p.column.column));
  for (const column of pinned) {
    for (const parent of models) {
      if (parent.orm !== 'prisma') continue;
      const fields = (parent.fields ?? []).filter((f) => f.relation?.target === model.className && f.relation.references.length === 1 && f.relation.references[0] === column);
      if (fields.length === 1 && fields[0]!.relation!.columns.length === 1) out.push({ column, parent: parent.className, relation: fields[0]!.name, many: fields[0]!.relation!.many });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The arguments

/** Properties of the arguments that change nothing QueryLens models. */
const NEUTRAL_ARGS = new Set(['include', 'omit', 'relationLoadStrategy', 'skipDuplicates', 'data', 'create', 'update', 'cursor', 'select', '_count', '_sum', '_avg', '_min', '_max', 'having']);

const RANGE = new Set(['gt', 'gte', 'lt', 'lte']);
const LITERALS = new Set(['string', 'number', 'true', 'false']);

/** A relation an `include` or `select` loads: its key in the object, its field, its options object when not `true`. */
interface RelationLoad {
  key: SyntaxNode;
  field: ModelField;
  options?: SyntaxNode;
  /** The model whose relation it is. */
  parent: string;
}

/** Arguments a relation's options may hold besides a call's filter, order and bounds. */
const RELATION_ARGS = new Set(['where', 'orderBy', 'take', 'skip', 'cursor', 'distinct', 'select', 'include', 'omit']);

class ArgsReader {
  readonly roots = new Set<string>();
  /** The relations `include`/`select` load, each with one more query (relationQueries). */
  readonly loads: RelationLoad[] = [];
  /** `relationLoadStrategy` as written. */
  strategy?: 'join' | 'query';
  private readonly q: QueryModel;
  private readonly table: string;
  /** Conditions of the filter QueryLens cannot see (a variable, a spread, a key that is no field): they may pin a key or filter anything. */
  private hidden = false;
  /** Conditions it sees but does not model (`search`, `has`, a relation filter it cannot key): ANDed, and they pin no key of the table. */
  private unmodelled = false;

  /**
   * `relation`: the options of a relation loaded by `include`/`select` (relationQueries): its key conditions,
   * and whether its `take`/`skip` reach the SQL (`bounded`) rather than each parent's rows in memory.
   */
  constructor(
    private readonly model: HostModel,
    private readonly models: readonly HostModel[],
    private readonly kind: StatementKind,
    tableSpan: Span,
    private readonly relation?: { keys: Predicate[]; bounded: boolean },
  ) {
    this.q = emptyQuery(kind);
    this.table = tableName(model);
    this.q.tables.push({ name: this.table, span: tableSpan });
    if (relation) this.q.predicates.push(...relation.keys);
  }

  get hidesConditions(): boolean {
    return this.hidden;
  }

  /** `name`: the method (`findMany`), `nameSpan` where it is written (a `findFirst`'s LIMIT 1). */
  read(args: SyntaxNode | undefined, name: string, nameSpan?: Span): QueryModel | undefined {
    if (args && args.type !== 'object') return undefined;
    let hasWhere = false;
    for (const prop of args?.namedChildren ?? []) {
      if (prop.type === 'comment') continue;
      if (prop.type !== 'pair') return undefined; // a spread or shorthand of the arguments: anything may be in it
      const key = propertyName(prop);
      const value = prop.childForFieldName('value');
      if (!key || !value) return undefined;
      if (this.relation && !RELATION_ARGS.has(key)) return undefined;
      switch (key) {
        case 'where':
          hasWhere = true;
          if (unwrap(value).type !== 'object') {
            if (this.kind !== 'select') return undefined;
            this.hidden = true;
            expressionRoots(value, this.roots);
            break;
          }
          this.where(this.model, this.q, unwrap(value), false);
          break;
        case 'orderBy':
          this.orderBy(unwrap(value));
          break;
        case 'take':
          if (this.relation && !this.relation.bounded) break;
          this.q.limit = { span: spanOf(prop), ...numberOf(value) };
          expressionRoots(value, this.roots);
          break;
        case 'skip':
          if (this.relation && !this.relation.bounded) break;
          this.q.offset = { span: spanOf(prop), ...numberOf(value) };
          break;
        case 'distinct':
          // A relation's distinct Prisma Client applies in memory.
          if (!this.relation) this.q.distinct = true;
          break;
        case 'by':
          if (name !== 'groupBy') return undefined;
          if (!this.groupBy(unwrap(value))) return undefined;
          break;
        case 'select':
          this.select(unwrap(value));
          break;
        case 'include':
          this.include(unwrap(value));
          break;
        case 'relationLoadStrategy': {
          const v = unwrap(value);
          const strategy = v.type === 'string' ? stringValue(v) : undefined;
          if (strategy === 'join' || strategy === 'query') this.strategy = strategy;
          break;
        }
        default:
          if (!NEUTRAL_ARGS.has(key)) return undefined;
          if (key === 'data' || key === 'create' || key === 'update') expressionRoots(value, this.roots);
      }
    }
    // A write must show its whole filter: one left out could be what narrows it.
    if ((this.kind === 'update' || this.kind === 'delete') && (this.hidden || this.unmodelled)) return undefined;
    if (this.hidden) {
      // What the rules would conclude from the conditions seen (no index serves them, the sort reads the whole
      // table, nothing pins a key) the unseen ones can make false: only the table, the limit and a relation's keys are certain.
      this.q.predicates = [...(this.relation?.keys ?? [])];
      this.q.subqueries = [];
      this.q.orderBy = [];
    }
    if (name === 'upsert' && !hasWhere) return undefined;
    if (this.kind !== 'select') {
      // The SQL a write sends, when its data is read whole too (write-data.ts); an upsert's where is its conflict target.
      const target = name === 'upsert' && this.q.predicates.every((p) => p.op === 'eq' && !p.disjunctive) ? this.q.predicates.map((p) => p.column.column) : [];
      const written = prismaWrite(this.model, name, argumentsOf(args), target);
      if (written) this.q.write = written;
    }
    if (name.startsWith('findFirst') || name.startsWith('findUnique')) this.q.limit ??= { span: nameSpan!, value: 1 };
    if (name === 'count' || name === 'aggregate') this.q.isAggregate = true;
    // upsert: INSERT ... ON CONFLICT on its unique where; the where is its conflict target, not a filter of rows.
    if (name === 'upsert') this.q.predicates = [];
    resolveColumns(this.q);
    return this.q;
  }

  private field(model: HostModel, key: string): ModelField | undefined {
    return model.fields?.find((f) => f.name === key);
  }

  /** A `where` object of `model` into `q`: its conditions ANDed (`disjunctive` under OR/NOT). */
  private where(model: HostModel, q: QueryModel, object: SyntaxNode, disjunctive: boolean): void {
    for (const prop of object.namedChildren) {
      if (prop.type === 'comment') continue;
      if (prop.type !== 'pair') {
        // `{ id }`: a condition on that field's column; `{ ...filter }`: conditions QueryLens cannot read.
        expressionRoots(prop, this.roots);
        if (prop.type !== 'shorthand_property_identifier' || !this.shorthand(model, q, prop, disjunctive)) this.hidden = true;
        continue;
      }
      const key = propertyName(prop);
      const value = prop.childForFieldName('value');
      if (!key || !value) {
        this.hidden = true;
        continue;
      }
      const v = unwrap(value);
      if (key === 'AND' || key === 'OR' || key === 'NOT') {
        const under = disjunctive || key !== 'AND';
        const items = v.type === 'array' ? v.namedChildren.filter((c) => c.type !== 'comment') : [v];
        for (const item of items) {
          const inner = unwrap(item);
          if (inner.type === 'object') this.where(model, q, inner, under);
          else {
            this.hidden = true;
            expressionRoots(inner, this.roots);
          }
        }
        continue;
      }
      const field = this.field(model, key);
      if (!field) {
        this.hidden = true;
        expressionRoots(value, this.roots);
        continue;
      }
      if (field.relation) this.relationFilter(model, q, field, prop, v, disjunctive);
      else this.condition(model, q, field, prop, v, disjunctive);
    }
  }

  /** `{ id }`: equality with the variable of that name, when it is a scalar field (false: it is not). */
  private shorthand(model: HostModel, q: QueryModel, prop: SyntaxNode, disjunctive: boolean): boolean {
    const field = this.field(model, prop.text);
    if (!field || field.relation) return false;
    // `{ id }` is `{ id: id }`: equality with the variable, as for any variable value (see `condition`).
    q.predicates.push({ column: this.column(model, field, prop), op: 'eq', valueKind: 'param', disjunctive, span: spanOf(prop) });
    return true;
  }

  private column(model: HostModel, field: ModelField, keyNode: SyntaxNode): ColumnRef {
    return { table: tableName(model), column: field.column, span: spanOf(keyNode.type === 'pair' ? (keyNode.childForFieldName('key') ?? keyNode) : keyNode) };
  }

  /** A scalar field's condition: a value (equality) or a filter object. */
  private condition(model: HostModel, q: QueryModel, field: ModelField, prop: SyntaxNode, value: SyntaxNode, disjunctive: boolean): void {
    const column = this.column(model, field, prop);
    const span = spanOf(prop);
    if (value.type !== 'object') {
      const kind = valueKind(value);
      expressionRoots(value, this.roots);
      // A variable may hold a filter object (`{ in: ids }`) as well as a value: equality, its usual use.
      const op: PredicateOp = kind === 'null' ? 'is_null' : 'eq';
      q.predicates.push({ column, op, valueKind: kind, disjunctive, span });
      return;
    }
    const filter = new Map<string, SyntaxNode>();
    for (const p of value.namedChildren) {
      if (p.type === 'comment') continue;
      const key = p.type === 'pair' ? propertyName(p) : undefined;
      const v = p.type === 'pair' ? p.childForFieldName('value') : undefined;
      if (!key || !v) {
        this.hidden = true;
        expressionRoots(p, this.roots);
        continue;
      }
      filter.set(key, unwrap(v));
      expressionRoots(v, this.roots);
    }
    // A Json field's `path`: its `equals`, `gt`, `string_contains` ... compare the value at that path
    // (`"payload"#>'{documentId}' = $1`), which no index on the column serves: a condition not modelled.
    if (filter.has('path')) {
      this.unmodelled = true;
      return;
    }
    const insensitive = filter.get('mode')?.type === 'string' && stringValue(filter.get('mode')!) === 'insensitive';
    for (const [key, v] of filter) {
      const kind = valueKind(v);
      if (key === 'mode') continue;
      if (key === 'equals') q.predicates.push({ column, op: kind === 'null' ? 'is_null' : 'eq', valueKind: kind, disjunctive, span });
      else if (key === 'in') q.predicates.push({ column, op: 'in', valueKind: kind, disjunctive, span });
      else if (key === 'notIn' || key === 'not') q.predicates.push({ column, op: 'not_eq', valueKind: kind, disjunctive, span });
      else if (RANGE.has(key)) q.predicates.push({ column, op: 'range', valueKind: kind, disjunctive, span });
      else if (key === 'contains' || key === 'startsWith' || key === 'endsWith') {
        const s = v.type === 'string' ? stringValue(v) : undefined;
        const text = s ?? '{}';
        const pattern = key === 'contains' ? `%${text}%` : key === 'startsWith' ? `${text}%` : `%${text}`;
        q.predicates.push({ column, op: insensitive ? 'ilike' : 'like', valueKind: kind, pattern, disjunctive, span });
      } else {
        // `search`, `has`, `path`, ...: a condition QueryLens does not model (left out).
        this.unmodelled = true;
      }
    }
  }

  /**
   * A relation filter: a subquery on the related table, keyed by the relation's
   * columns (`authorId IN (SELECT id FROM User WHERE ...)`).
   */
  private relationFilter(model: HostModel, q: QueryModel, field: ModelField, prop: SyntaxNode, value: SyntaxNode, disjunctive: boolean): void {
    const relation = field.relation!;
    const target = this.models.find((m) => m.orm === 'prisma' && m.className === relation.target);
    if (!target || relation.columns.length !== 1 || relation.references.length !== 1 || value.type !== 'object') {
      this.unmodelled = true;
      expressionRoots(value, this.roots);
      return;
    }
    const props = value.namedChildren.filter((p) => p.type !== 'comment');
    const words = relation.many ? ['some', 'none', 'every'] : ['is', 'isNot'];
    const keyed = props.length > 0 && props.every((p) => p.type === 'pair' && words.includes(propertyName(p) ?? ''));
    const parts: { word: string; filter: SyntaxNode }[] = keyed
      ? props.map((p) => ({ word: propertyName(p)!, filter: unwrap(p.childForFieldName('value')!) }))
      : relation.many
        ? []
        : [{ word: 'is', filter: value }];
    if (parts.length === 0) {
      this.unmodelled = true;
      return;
    }
    for (const { word, filter } of parts) {
      const negated = word === 'none' || word === 'every' || word === 'isNot';
      if (filter.type !== 'object') {
        this.unmodelled = true;
        expressionRoots(filter, this.roots);
        continue;
      }
      const sub = emptyQuery('select');
      sub.tables.push({ name: tableName(target), span: spanOf(prop.childForFieldName('key') ?? prop) });
      sub.columns.push({ table: tableName(target), column: relation.references[0]!, span: spanOf(prop.childForFieldName('key') ?? prop) });
      // `every` is NOT IN (rows that fail the filter): its conditions are negated, none can use an index alone.
      this.where(target, sub, filter, word === 'every');
      q.subqueries.push(sub);
      q.predicates.push({
        column: this.column(model, { ...field, column: relation.columns[0]! }, prop),
        op: negated ? 'not_eq' : 'in',
        valueKind: 'subquery',
        subquery: q.subqueries.length - 1,
        disjunctive,
        span: spanOf(prop),
      });
    }
  }

  private orderBy(value: SyntaxNode): void {
    const items = value.type === 'array' ? value.namedChildren.map(unwrap) : [value];
    for (const item of items) {
      if (item.type === 'comment') continue;
      if (item.type !== 'object') return; // unknown from here on: the order read so far is still its prefix
      for (const prop of item.namedChildren) {
        if (prop.type === 'comment') continue;
        const key = prop.type === 'pair' ? propertyName(prop) : undefined;
        const field = key ? this.field(this.model, key) : undefined;
        const direction = prop.type === 'pair' ? unwrap(prop.childForFieldName('value')!) : undefined;
        const dir = direction?.type === 'string' ? stringValue(direction) : direction?.type === 'object' ? sortOf(direction) : undefined;
        if (!field || field.relation || (dir !== 'asc' && dir !== 'desc')) return;
        this.q.orderBy.push({ column: this.column(this.model, field, prop), desc: dir === 'desc' });
      }
    }
  }

  private groupBy(value: SyntaxNode): boolean {
    const items = value.type === 'array' ? value.namedChildren.map(unwrap) : [value];
    for (const item of items) {
      const name = item.type === 'string' ? stringValue(item) : undefined;
      const field = name ? this.field(this.model, name) : undefined;
      if (!field || field.relation) return false;
      this.q.groupBy.push({ table: this.table, column: field.column, span: spanOf(item) });
    }
    return true;
  }

  /** `select: { id: true, name: true, posts: {...} }`: the scalar fields selected; the relations are loaded by queries of their own. */
  private select(value: SyntaxNode): void {
    if (value.type !== 'object') return;
    for (const prop of value.namedChildren) {
      const key = prop.type === 'pair' ? propertyName(prop) : undefined;
      const field = key ? this.field(this.model, key) : undefined;
      if (!field) continue;
      if (field.relation) this.load(prop, field);
      else if (prop.childForFieldName('value')?.type === 'true') this.q.columns.push(this.column(this.model, field, prop));
    }
  }

  /** `include: { posts: true, author: { select: {...} } }`: the relations it loads (`_count` is none: a join of the rows' own statement). */
  private include(value: SyntaxNode): void {
    if (value.type !== 'object') return;
    for (const prop of value.namedChildren) {
      const key = prop.type === 'pair' ? propertyName(prop) : undefined;
      const field = key ? this.field(this.model, key) : undefined;
      if (field?.relation) this.load(prop, field);
    }
  }

  /** A relation loaded when its value is `true` or an options object; `false`, or a value known only at run time, is left out. */
  private load(prop: SyntaxNode, field: ModelField): void {
    const value = unwrap(prop.childForFieldName('value')!);
    const key = prop.childForFieldName('key')!;
    if (value.type === 'true') this.loads.push({ key, field, parent: this.model.className });
    else if (value.type === 'object') this.loads.push({ key, field, options: value, parent: this.model.className });
  }
}

/**
 * A model's table as the catalog names it (catalog/build.ts `tableKey`: lower case), so the
 * rules' comparisons of a column's table with a catalog table hold for Prisma's quoted
 * CamelCase tables (`"Account"`); messages spell it from the catalog.
 */
function tableName(model: HostModel): string {
  return model.table.toLowerCase();
}

/** The properties of the arguments object (`data`, `where`, ...) by name. */
function argumentsOf(args: SyntaxNode | undefined): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  for (const prop of args?.namedChildren ?? []) {
    const key = prop.type === 'pair' ? propertyName(prop) : undefined;
    const value = prop.childForFieldName('value');
    if (key && value) out.set(key, value);
  }
  return out;
}

export function propertyName(pair: SyntaxNode): string | undefined {
  const key = pair.childForFieldName('key');
  if (!key) return undefined;
  if (key.type === 'property_identifier') return key.text;
  if (key.type === 'string') return stringValue(key);
  return undefined;
}

function stringValue(node: SyntaxNode): string | undefined {
  if (node.type !== 'string') return undefined;
  const fragments = node.namedChildren.filter((c) => c.type === 'string_fragment' || c.type === 'escape_sequence');
  if (fragments.some((f) => f.type === 'escape_sequence')) return undefined;
  return fragments.map((f) => f.text).join('');
}

function sortOf(object: SyntaxNode): string | undefined {
  for (const prop of object.namedChildren) {
    if (prop.type === 'pair' && propertyName(prop) === 'sort') {
      const v = unwrap(prop.childForFieldName('value')!);
      return v.type === 'string' ? stringValue(v) : undefined;
    }
  }
  return undefined;
}

function valueKind(node: SyntaxNode): ValueKind {
  const v = unwrap(node);
  if (v.type === 'null') return 'null';
  if (LITERALS.has(v.type) || (v.type === 'unary_expression' && v.namedChildren[0]?.type === 'number')) return 'literal';
  return 'param';
}

function numberOf(node: SyntaxNode): { value?: number } {
  const v = unwrap(node);
  if (v.type === 'number' && /^\d+$/.test(v.text)) return { value: Number(v.text) };
  if (v.type === 'unary_expression' && /^-\s*\d+$/.test(v.text)) return { value: Math.abs(Number(v.text.replace(/\s/g, ''))) };
  return {};
}
