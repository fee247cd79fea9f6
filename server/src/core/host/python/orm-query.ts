/**
 * SQLAlchemy query builder calls → QueryModel. One OrmQuery follows a chain
 * step by step (`session.query(M)`, `select(M)`, `.filter(...)`, `.where(...)`,
 * `.order_by(...)`, `.limit(...)`, `.options(...)` ...); statements built in a
 * variable are cloned and continued, so `stmt = stmt.where(...)` works too.
 */
import { emptyQuery } from '../../sql/build';
import type { ColumnRef, DistanceOperator, Predicate, PredicateOp, QueryModel, SimilarityOrder, Span, StatementKind, ValueKind } from '../../sql/model';
import { likePattern, type ValueLookup } from './like-pattern';
import type { ModelInfo } from './models';
import { calleeName, descendants, type Node, positionalArgs, receiverOf, spanOf, stringValue, unwrap, valueRoots } from './nodes';

export type ModelResolver = (cls: string) => ModelInfo | undefined;

/** pgvector.sqlalchemy's comparator methods and the operators they write. */
const DISTANCE_METHODS: Record<string, DistanceOperator> = {
  l2_distance: '<->', max_inner_product: '<#>', cosine_distance: '<=>', l1_distance: '<+>', hamming_distance: '<~>', jaccard_distance: '<%>',
};
const EAGER_LOADERS = new Set(['selectinload', 'joinedload', 'subqueryload', 'immediateload', 'contains_eager']);
const NOT_VALUES = new Set(['None', 'True', 'False', 'func', 'text', 'self', 'cls', 'sa', 'sqlalchemy', 'literal', 'bindparam']);
const CONTAINERS = new Set(['list', 'tuple', 'set', 'dictionary', 'list_comprehension']);
const LITERALS = new Set(['string', 'concatenated_string', 'integer', 'float', 'true', 'false']);

/** A step of a call chain: `.filter(...)` is { name: 'filter', call, args }. */
export interface Step {
  name: string;
  call: Node;
  args: Node[];
}

export class OrmQuery {
  model: QueryModel;
  /** Mapped classes selected, first is `entity`. */
  entities: string[] = [];
  eagerLoads: string[] = [];
  roots = new Set<string>();
  constructor(
    kind: StatementKind,
    private readonly resolve: ModelResolver,
    /** Local variables as last assigned, for LIKE patterns held in one (`term = f"%{q}%"`). */
    private readonly valueOf: ValueLookup = () => undefined,
  ) {
    this.model = emptyQuery(kind);
  }

  clone(): OrmQuery {
    const copy = new OrmQuery(this.model.kind, this.resolve, this.valueOf);
    copy.model = structuredClone(this.model);
    copy.entities = [...this.entities];
    copy.eagerLoads = [...this.eagerLoads];
    copy.roots = new Set(this.roots);
    return copy;
  }

  get entity(): string | undefined {
    return this.entities[0];
  }

  /** `session.query(A, B.x)` / `select(A)` / `update(A)` arguments. */
  /** A mapped class selected, by name; `span` is where the code names it. */
  addEntity(cls: string, span: Span): void {
    this.entities.push(cls);
    const info = this.resolve(cls);
    if (info && !this.model.tables.some((t) => t.name === info.table)) this.model.tables.push({ name: info.table, span });
  }

  addEntities(args: Node[]): void {
    for (const a of args) {
      const n = unwrap(a);
      if (n.type === 'identifier' || (n.type === 'call' && calleeName(n) === 'aliased')) {
        const cls = n.type === 'identifier' ? n.text : positionalArgs(n)[0]?.text;
        if (cls) this.addEntity(cls, spanOf(n));
      } else if (n.type === 'attribute') {
        const col = this.column(n, true);
        if (col) {
          this.model.columns.push(col);
          this.addEntityOf(n);
        }
      } else if (n.type === 'call') {
        // func.count(M.id), func.max(...): aggregates over the entity's table
        if (receiverOf(n)?.text === 'func' && ['count', 'sum', 'avg', 'min', 'max'].includes(calleeName(n) ?? '')) this.model.isAggregate = true;
        for (const inner of positionalArgs(n)) if (unwrap(inner).type === 'attribute') this.addEntityOf(unwrap(inner));
        if (receiverOf(n)?.text === 'func' && calleeName(n) === 'count' && !positionalArgs(n).length) continue;
      }
    }
  }

  private addEntityOf(attr: Node): void {
    const cls = attr.childForFieldName('object')?.text;
    if (!cls || !this.resolve(cls)) return;
    if (!this.entities.includes(cls)) this.entities.push(cls);
    const info = this.resolve(cls)!;
    if (!this.model.tables.some((t) => t.name === info.table)) this.model.tables.push({ name: info.table, span: spanOf(attr.childForFieldName('object')!) });
  }

  /** `Worker.planner_id` → a column of workers; `force` accepts unknown classes named as entities. */
  column(node: Node, force = false): ColumnRef | undefined {
    const n = unwrap(node);
    if (n.type !== 'attribute') return undefined;
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute')?.text;
    if (obj?.type !== 'identifier' || !attr) return undefined;
    const info = this.resolve(obj.text);
    if (!info && !this.entities.includes(obj.text) && !(force && isClassName(obj.text))) return undefined;
    if (info?.relationships.has(attr)) return undefined;
    return { ...(info ? { table: info.table } : {}), qualifier: obj.text, column: info?.columns.get(attr) ?? attr, span: spanOf(n) };
  }

  /** A column of the primary entity named by keyword (`filter_by(a=1)`) or string (`order_by('a')`). */
  private entityColumn(name: string, span: Span): ColumnRef {
    const info = this.entity ? this.resolve(this.entity) : undefined;
    return { ...(info ? { table: info.table } : {}), ...(this.entity ? { qualifier: this.entity } : {}), column: info?.columns.get(name) ?? name, span };
  }

  private noteValue(value: Node): void {
    valueRoots(value, this.roots, (name) => NOT_VALUES.has(name) || !!this.resolve(name) || this.entities.includes(name));
  }

  private valueKind(value: Node): ValueKind {
    const v = unwrap(value);
    if (v.type === 'none') return 'null';
    if (LITERALS.has(v.type)) return 'literal';
    if ((v.type === 'list' || v.type === 'tuple' || v.type === 'set') && v.namedChildren.every((c) => LITERALS.has(c.type))) return 'literal';
    if (this.column(v)) return 'column';
    if (v.type === 'call' && (calleeName(v) === 'select' || calleeName(v) === 'subquery' || calleeName(v) === 'scalar_subquery')) return 'subquery';
    if (v.type === 'call' && calleeName(v) !== 'bindparam') return 'expression';
    return 'param';
  }

  private push(column: ColumnRef, op: PredicateOp, value: Node | undefined, disjunctive: boolean, span: Span, pattern?: string): void {
    const valueKind: ValueKind = value ? this.valueKind(value) : 'literal';
    if (value) this.noteValue(value);
    const p: Predicate = { column, op, valueKind, disjunctive, span };
    const valueColumn = valueKind === 'column' && value ? this.column(unwrap(value)) : undefined;
    if (valueColumn) p.valueColumn = valueColumn;
    if (pattern !== undefined) p.pattern = pattern;
    this.model.predicates.push(p);
  }

  /** One filter/where argument → predicates. Unknown shapes are skipped (but their values still count as parameters). */
  predicate(node: Node, disjunctive: boolean): void {
    const n = unwrap(node);
    switch (n.type) {
      case 'comparison_operator':
        return this.comparison(n, disjunctive);
      case 'boolean_operator':
      case 'binary_operator': {
        const op = n.childForFieldName('operator')?.text;
        if (op !== 'and' && op !== 'or' && op !== '&' && op !== '|') return this.noteValue(n);
        const disj = disjunctive || op === 'or' || op === '|';
        for (const side of [n.childForFieldName('left'), n.childForFieldName('right')]) if (side) this.predicate(side, disj);
        return;
      }
      case 'not_operator':
      case 'unary_operator': {
        const inner = n.childForFieldName('argument');
        if (inner) this.predicate(inner, true);
        return;
      }
      case 'attribute': {
        const col = this.column(n);
        if (col) this.push(col, 'eq', undefined, disjunctive, spanOf(n));
        return;
      }
      case 'call':
        return this.callPredicate(n, disjunctive);
      default:
        this.noteValue(n);
    }
  }

  private comparison(n: Node, disjunctive: boolean): void {
    const operands = n.namedChildren.filter((c) => c.type !== 'comment');
    const operator = n.children.find((c) => !c.isNamed)?.text ?? '';
    const [left, right] = operands;
    if (!left || !right) return;
    let col = this.column(left);
    let value = right;
    if (!col) {
      col = this.column(right);
      value = left;
    }
    if (!col) return this.noteValue(n);
    // `A.x == B.y`: an implicit join; both sides count (the predicate keeps one).
    const other = value === right ? this.column(right) : undefined;
    if (other && operator === '==' && !disjunctive) this.model.equalities.push({ left: col, right: other });
    const isNone = unwrap(value).type === 'none';
    const op: PredicateOp =
      operator === '==' ? (isNone ? 'is_null' : 'eq') : operator === '!=' ? 'not_eq' : ['<', '<=', '>', '>='].includes(operator) ? 'range' : 'other';
    this.push(col, op, value, disjunctive, spanOf(n));
  }

  private callPredicate(n: Node, disjunctive: boolean): void {
    const name = calleeName(n) ?? '';
    const args = positionalArgs(n);
    if (name === 'and_') return args.forEach((a) => this.predicate(a, disjunctive));
    if (name === 'or_' || name === 'not_') return args.forEach((a) => this.predicate(a, true));
    const recv = receiverOf(n);
    const col = recv ? this.column(recv) : undefined;
    if (!col) return this.noteValue(n);
    const arg = args[0];
    const lit = stringValue(arg);
    const span = spanOf(n);
    switch (name) {
      case 'in_':
        return this.push(col, 'in', arg, disjunctive, span);
      case 'like':
      case 'ilike':
        return this.push(col, name, arg, disjunctive, span, likePattern(arg, this.valueOf));
      case 'contains':
      case 'icontains':
        // `.contains([x])` on an ARRAY or JSON column is containment (`@>`), not LIKE.
        if (arg && CONTAINERS.has(unwrap(arg).type)) return this.push(col, 'other', arg, disjunctive, span);
        return this.push(col, name === 'contains' ? 'like' : 'ilike', arg, disjunctive, span, `%${lit ?? ''}%`);
      case 'startswith':
      case 'istartswith':
        return this.push(col, name === 'startswith' ? 'like' : 'ilike', arg, disjunctive, span, lit !== undefined ? `${lit}%` : undefined);
      case 'endswith':
      case 'iendswith':
        return this.push(col, name === 'endswith' ? 'like' : 'ilike', arg, disjunctive, span, `%${lit ?? ''}`);
      case 'is_':
        return this.push(col, arg && unwrap(arg).type === 'none' ? 'is_null' : 'eq', arg, disjunctive, span);
      case 'between':
        return this.push(col, 'range', arg, disjunctive, span);
      case 'not_in':
      case 'notin_':
      case 'notlike':
      case 'not_like':
      case 'notilike':
      case 'not_ilike':
      case 'is_not':
      case 'isnot':
        return this.push(col, 'not_eq', arg, disjunctive, span);
      default:
        this.push(col, 'other', arg, disjunctive, span);
    }
  }

  /** Applies one builder step; returns false for steps that are not part of the query (terminals, unknown methods). */
  apply(step: Step): boolean {
    const { name, args, call } = step;
    switch (name) {
      case 'filter':
      case 'where':
      case 'having':
        args.forEach((a) => this.predicate(a, false));
        return true;
      case 'filter_by':
        for (const kw of call.childForFieldName('arguments')?.namedChildren ?? []) {
          if (kw.type !== 'keyword_argument') continue;
          const key = kw.childForFieldName('name')!;
          this.push(this.entityColumn(key.text, spanOf(key)), 'eq', kw.childForFieldName('value') ?? undefined, false, spanOf(kw));
        }
        return true;
      case 'order_by':
        for (const a of args) this.orderItem(a);
        return true;
      case 'group_by':
        for (const a of args) {
          const col = this.column(a) ?? (stringValue(a) !== undefined ? this.entityColumn(stringValue(a)!, spanOf(a)) : undefined);
          if (col) this.model.groupBy.push(col);
        }
        return true;
      case 'limit':
      case 'offset': {
        const v = args[0] ? unwrap(args[0]) : undefined;
        const value = v?.type === 'integer' ? Number(v.text) : undefined;
        if (v) this.noteValue(v);
        this.model[name] = { span: stepSpan(step), ...(value !== undefined ? { value } : {}) };
        return true;
      }
      case 'join':
      case 'outerjoin':
      case 'join_from':
        this.join(step);
        return true;
      case 'select_from':
      case 'add_entity':
      case 'with_entities':
        this.addEntities(args);
        return true;
      case 'options':
        for (const a of args) this.eager(a);
        return true;
      case 'distinct':
        this.model.distinct = true;
        return true;
      case 'values':
        args.forEach((a) => this.noteValue(a));
        return true;
      case 'execution_options':
      case 'with_for_update':
      case 'correlate':
      case 'enable_eagerloads':
      case 'populate_existing':
      case 'params':
        return true;
      default:
        return false;
    }
  }

  private orderItem(a: Node): void {
    let n = unwrap(a);
    while (n.type === 'call' && ['nulls_last', 'nulls_first', 'nullslast', 'nullsfirst'].includes(calleeName(n) ?? '')) n = receiverOf(n) ? unwrap(receiverOf(n)!) : n;
    let desc = false;
    if (n.type === 'call' && (calleeName(n) === 'desc' || calleeName(n) === 'asc')) {
      desc = calleeName(n) === 'desc';
      const recv = receiverOf(n);
      n = recv && this.column(recv) ? unwrap(recv) : unwrap(positionalArgs(n)[0] ?? n);
    }
    const similarity = this.distance(n);
    if (similarity) {
      (this.model.similarity ??= []).push(similarity);
      return;
    }
    const str = stringValue(n);
    const col = this.column(n) ?? (str !== undefined ? this.entityColumn(str, spanOf(n)) : undefined);
    if (col) this.model.orderBy.push({ column: col, desc });
  }

  /** `Memory.embedding.cosine_distance(q)` (pgvector.sqlalchemy's comparators): the distance it orders by. */
  private distance(n: Node): SimilarityOrder | undefined {
    const operator = n.type === 'call' ? DISTANCE_METHODS[calleeName(n) ?? ''] : undefined;
    const recv = operator ? receiverOf(n) : undefined;
    const column = recv ? this.column(recv) : undefined;
    return operator && column ? { column, operator, span: spanOf(n) } : undefined;
  }

  private join(step: Step): void {
    const kw = step.call.childForFieldName('arguments')?.namedChildren.find((c) => c.type === 'keyword_argument' && c.childForFieldName('name')?.text === 'isouter');
    const outer = step.name === 'outerjoin' || kw?.childForFieldName('value')?.type === 'true';
    const args = step.name === 'join_from' ? step.args.slice(1) : step.args;
    const target = args[0] ? unwrap(args[0]) : undefined;
    if (!target) return;
    let cls: string | undefined;
    if (target.type === 'identifier') cls = target.text;
    else if (target.type === 'attribute') {
      // join(Agent.conversations): the relationship's target
      const owner = this.resolve(target.childForFieldName('object')?.text ?? '');
      cls = owner?.relationships.get(target.childForFieldName('attribute')?.text ?? '');
    }
    const info = cls ? this.resolve(cls) : undefined;
    if (!info) return;
    if (cls && !this.entities.includes(cls)) this.entities.push(cls);
    const conditions = [];
    const on = args[1] ? unwrap(args[1]) : undefined;
    if (on?.type === 'comparison_operator') {
      const [l, r] = on.namedChildren;
      const left = l && this.column(l);
      const right = r && this.column(r);
      if (left && right) conditions.push({ left, right });
    }
    this.model.joins.push({ table: { name: info.table, span: spanOf(target) }, kind: outer ? 'left' : 'inner', conditions });
  }

  private eager(option: Node): void {
    for (const n of descendants(option)) {
      if (n.type !== 'call' || !EAGER_LOADERS.has(calleeName(n) ?? '')) continue;
      const arg = positionalArgs(n)[0];
      if (!arg) continue;
      const s = stringValue(arg);
      const a = unwrap(arg);
      if (s !== undefined && this.entity) this.eagerLoads.push(`${this.entity}.${s}`);
      else if (a.type === 'attribute') this.eagerLoads.push(a.text);
    }
  }

  /** `.get(pk)` / `session.get(M, pk)`: an equality on the primary key when it is known. */
  primaryKeyLookup(call: Node, value: Node | undefined): void {
    const info = this.entity ? this.resolve(this.entity) : undefined;
    if (value) this.noteValue(value);
    if (!info || info.primaryKey.length !== 1 || !value) return;
    this.model.predicates.push({
      column: { table: info.table, qualifier: info.className, column: info.primaryKey[0], span: spanOf(call) },
      op: 'eq', valueKind: this.valueKind(value), disjunctive: false, span: spanOf(call),
    });
  }

  /** `.first()` sends LIMIT 1. */
  limitOne(step: Step): void {
    this.model.limit ??= { span: stepSpan(step), value: 1 };
  }
}

/** `.limit(10)` without the dot: from the method name to the closing parenthesis. */
export function stepSpan(step: Step): Span {
  const name = step.call.childForFieldName('function')?.childForFieldName('attribute');
  return { start: name?.startIndex ?? step.call.startIndex, end: step.call.endIndex };
}

/** Mapped classes are CapWords by convention; values are not. */
function isClassName(name: string): boolean {
  return name[0] >= 'A' && name[0] <= 'Z';
}
