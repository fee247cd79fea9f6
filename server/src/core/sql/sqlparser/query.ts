/** node-sql-parser AST (SQLite, MySQL) → QueryModel, with spans found by the Locator. */
import { AGGREGATES, emptyQuery } from '../build';
import type { ColumnRef, JoinInfo, Predicate, PredicateOp, QueryModel, TableRef, ValueKind } from '../model';
import type { Locator } from './locate';

// node-sql-parser's AST typings do not cover the shapes it really returns per dialect.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SpNode = any;

export class SqlParserQueryBuilder {
  constructor(private readonly loc: Locator) {}

  build(ast: SpNode): QueryModel | undefined {
    switch (ast?.type) {
      case 'select':
        return this.select(ast);
      case 'update':
        return this.dml(ast, 'update', ast.table);
      case 'delete':
        return this.dml(ast, 'delete', ast.from ?? ast.table);
      case 'insert': {
        if (ast.values?.type !== 'select') return undefined;
        const q = emptyQuery('insert');
        for (const t of ast.table ?? []) q.tables.push(this.table(t));
        q.subqueries.push(this.select(ast.values));
        return q;
      }
      default:
        return undefined;
    }
  }

  private select(s: SpNode): QueryModel {
    const q = emptyQuery('select');
    for (const w of s.with ?? []) {
      const sub = this.build(w.stmt?.ast ?? w.stmt);
      if (sub) q.subqueries.push(sub);
    }
    this.selectList(q, s.columns);
    this.from(q, s.from ?? []);
    q.fromless = !s.from?.length;
    if (s.where) this.conditions(q, s.where, false);
    const groups: SpNode[] = Array.isArray(s.groupby) ? s.groupby : s.groupby?.columns ?? [];
    q.groupBy = groups.filter((g) => g?.type === 'column_ref').map((g) => this.column(g));
    q.distinct = typeof s.distinct === 'string' ? /distinct/i.test(s.distinct) : s.distinct?.type === 'DISTINCT';
    q.isAggregate = groups.length === 0 && this.hasAggregate(s.columns);
    for (const o of s.orderby ?? []) if (o.expr?.type === 'column_ref') q.orderBy.push({ column: this.column(o.expr), desc: /desc/i.test(o.type ?? '') });
    this.limit(q, s.limit);
    if (s._next) {
      q.setOp = /intersect/i.test(s.set_op) ? 'intersect' : /except|minus/i.test(s.set_op) ? 'except' : 'union';
      q.subqueries.push(this.select(s._next));
    }
    return q;
  }

  private dml(s: SpNode, kind: 'update' | 'delete', tables: SpNode[] | undefined): QueryModel {
    const q = emptyQuery(kind);
    this.from(q, tables ?? []);
    if (s.where) this.conditions(q, s.where, false);
    for (const set of s.set ?? []) this.subqueries(q, set.value);
    return q;
  }

  private table(t: SpNode): TableRef {
    const found = this.loc.name(t.table, t.db ?? undefined);
    const ref: TableRef = { name: found?.quoted ? t.table : String(t.table).toLowerCase(), span: found?.span ?? this.whole() };
    if (t.db) ref.schema = String(t.db).toLowerCase();
    if (t.as) ref.alias = String(t.as).toLowerCase();
    return ref;
  }

  private whole() {
    return { start: 0, end: this.loc.st.text.length };
  }

  private from(q: QueryModel, items: SpNode[]): void {
    let previous: TableRef | undefined;
    for (const item of items) {
      if (item.expr?.ast) {
        const sub = this.build(item.expr.ast);
        if (sub) q.subqueries.push(sub);
        continue;
      }
      if (!item.table) continue;
      const t = this.table(item);
      if (!item.join) {
        q.tables.push(t);
        previous = t;
        continue;
      }
      const j = String(item.join).toUpperCase();
      const kind: JoinInfo['kind'] = j.startsWith('LEFT') ? 'left' : j.startsWith('RIGHT') ? 'right' : j.startsWith('FULL') ? 'full' : j.startsWith('CROSS') || (!item.on && !item.using) ? 'cross' : 'inner';
      const info: JoinInfo = { table: t, kind, conditions: [] };
      q.joins.push(info);
      if (item.on) this.conditions(q, item.on, false, info);
      for (const u of item.using ?? []) {
        const name = String(typeof u === 'string' ? u : u?.value ?? u?.column ?? '').toLowerCase();
        if (name && previous) info.conditions.push({ left: { table: previous.name, column: name, span: t.span }, right: { table: t.name, column: name, span: t.span } });
      }
      previous = t;
    }
  }

  private selectList(q: QueryModel, columns: SpNode): void {
    if (columns === '*') {
      q.selectStar = this.loc.star();
      return;
    }
    for (const c of columns ?? []) {
      const e = c.expr;
      if (e?.type === 'column_ref' && columnName(e) === '*') q.selectStar ??= this.loc.star();
      else if (e?.type === 'column_ref') q.columns.push(this.column(e));
      else if (e?.type === 'star') q.selectStar ??= this.loc.star();
      else this.subqueries(q, e);
    }
  }

  private hasAggregate(columns: SpNode): boolean {
    if (!Array.isArray(columns)) return false;
    return columns.some((c) => {
      const e = c.expr;
      if (e?.over) return false;
      if (e?.type === 'aggr_func') return true;
      const name = e?.type === 'function' ? e.name?.name?.[0]?.value ?? e.name : undefined;
      return typeof name === 'string' && AGGREGATES.has(name.toLowerCase());
    });
  }

  private limit(q: QueryModel, limit: SpNode): void {
    const values: SpNode[] = limit?.value ?? [];
    if (!values.length) return;
    const kw = this.loc.keyword('LIMIT');
    const span = kw ? this.loc.clause(kw) : this.whole();
    const num = (v: SpNode) => (v?.type === 'number' ? Number(v.value) : undefined);
    if (limit.seperator === ',') {
      // MySQL/SQLite `LIMIT offset, count`.
      const end = this.loc.predicateEnd(span.end);
      q.limit = { span: { start: span.start, end }, value: num(values[1]) };
      q.offset = { span: { start: span.start, end }, value: num(values[0]) };
      return;
    }
    q.limit = { span, value: num(values[0]) };
    if (values.length > 1) {
      const off = this.loc.keyword('OFFSET', span.end);
      q.offset = { span: off ? this.loc.clause(off) : span, value: num(values[1]) };
    }
  }

  private column(e: SpNode): ColumnRef {
    const name = columnName(e);
    const found = this.loc.name(name, e.table ?? undefined);
    const col: ColumnRef = { column: found?.quoted ? name : name.toLowerCase(), span: found?.span ?? this.whole() };
    if (e.table) col.qualifier = String(e.table).toLowerCase();
    return col;
  }

  private conditions(q: QueryModel, e: SpNode, disjunctive: boolean, join?: JoinInfo): void {
    if (!e || typeof e !== 'object') return;
    if (e.type === 'binary_expr' && (e.operator === 'AND' || e.operator === 'OR')) {
      const under = disjunctive || e.operator === 'OR';
      this.conditions(q, e.left, under, join);
      this.conditions(q, e.right, under, join);
      return;
    }
    const notArgs = e.type === 'unary_expr' && /not/i.test(e.operator) ? [e.expr] : e.type === 'function' && e.name?.name?.[0]?.value === 'NOT' ? e.args?.value : undefined;
    if (notArgs) {
      for (const a of notArgs) this.conditions(q, a, true, join);
      return;
    }
    let bySubquery: Predicate | undefined;
    if (e.type === 'binary_expr') {
      let { left, right } = e;
      if (join && !disjunctive && e.operator === '=' && left?.type === 'column_ref' && right?.type === 'column_ref') {
        join.conditions.push({ left: this.column(left), right: this.column(right) });
        return;
      }
      if (!join && !disjunctive && e.operator === '=' && left?.type === 'column_ref' && right?.type === 'column_ref') {
        q.equalities.push({ left: this.column(left), right: this.column(right) });
      }
      if (left?.type !== 'column_ref' && right?.type === 'column_ref') [left, right] = [right, left];
      if (left?.type === 'column_ref') {
        const column = this.column(left);
        const op = predicateOp(String(e.operator).toUpperCase(), right);
        const p: Predicate = { column, op, valueKind: valueKind(right), disjunctive, span: { start: column.span.start, end: this.loc.predicateEnd(column.span.end) } };
        if (right?.type === 'column_ref') p.valueColumn = this.column(right);
        if (/LIKE|GLOB/i.test(e.operator) && typeof right?.value === 'string' && /string/.test(right.type)) p.pattern = right.value;
        q.predicates.push(p);
        if (p.valueKind === 'subquery') bySubquery = p;
      }
    }
    const first = q.subqueries.length;
    this.subqueries(q, e);
    // `col = (SELECT ...)`, `col IN (SELECT ...)`: the values are the subquery's, the first one added (the column side holds none).
    if (bySubquery && q.subqueries.length > first) bySubquery.subquery = first;
  }

  /** Adds the SELECTs nested anywhere in an expression. */
  private subqueries(q: QueryModel, e: SpNode): void {
    if (!e || typeof e !== 'object') return;
    if (Array.isArray(e)) {
      for (const x of e) this.subqueries(q, x);
      return;
    }
    if (e.ast) {
      const sub = this.build(e.ast);
      if (sub) q.subqueries.push(sub);
      return;
    }
    for (const k in e) if (e[k] && typeof e[k] === 'object') this.subqueries(q, e[k]);
  }
}

function columnName(e: SpNode): string {
  const c = e.column;
  if (typeof c === 'string') return c;
  return String(c?.expr?.value ?? c?.value ?? '');
}

function predicateOp(op: string, right: SpNode): PredicateOp {
  switch (op) {
    case '=':
      return 'eq';
    case '<':
    case '<=':
    case '>':
    case '>=':
    case 'BETWEEN':
      return 'range';
    case 'IN':
      return 'in';
    case 'LIKE':
    case 'GLOB':
      return 'like';
    case 'ILIKE':
      return 'ilike';
    case 'IS':
      return right?.type === 'null' ? 'is_null' : 'other';
    case '<>':
    case '!=':
    case 'NOT IN':
    case 'NOT LIKE':
    case 'NOT BETWEEN':
    case 'IS NOT':
      return 'not_eq';
    default:
      return 'other';
  }
}

function valueKind(v: SpNode): ValueKind {
  if (!v) return 'expression';
  if (v.ast) return 'subquery';
  switch (v.type) {
    case 'origin':
      return v.value === '?' ? 'param' : 'expression';
    case 'param':
    case 'var':
      return 'param';
    case 'null':
      return 'null';
    case 'column_ref':
      return 'column';
    case 'number':
    case 'bool':
    case 'boolean':
    case 'single_quote_string':
    case 'double_quote_string':
    case 'string':
    case 'natural_string':
    case 'hex_string':
      return 'literal';
    case 'expr_list': {
      const items: SpNode[] = v.value ?? [];
      if (items.length === 1 && items[0]?.ast) return 'subquery';
      const kinds = new Set(items.map(valueKind));
      return kinds.size === 1 ? [...kinds][0] : 'expression';
    }
    default:
      return 'expression';
  }
}
