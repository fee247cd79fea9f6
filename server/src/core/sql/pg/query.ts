/**
 * PostgreSQL parse tree (libpg-query JSON) → QueryModel.
 * Offsets are statement-relative UTF-16; the caller rebases them.
 */
import { AGGREGATES, emptyQuery, resolveColumns } from '../build';
import type { ColumnRef, DistanceOperator, JoinInfo, Predicate, PredicateOp, QueryModel, SimilarityOrder, Span, TableRef, ValueKind } from '../model';

const DISTANCE_OPERATORS = new Set<string>(['<->', '<#>', '<=>', '<+>', '<~>', '<%>']);
import type { StatementText } from '../text';

// The parse tree is plain JSON whose shape @pgsql/types describes only loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PgNode = any;

/** The statement types `PgQueryBuilder.build` models (any other top-level statement has no query). */
export const QUERY_STATEMENT_TYPES = ['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt'] as const;

export class PgQueryBuilder {
  /**
   * `subqueries: false` when the statement's tree holds no SubLink (its JSON says so, parsePg's
   * `probe`): `subLinks` then has nothing to find and does not walk each expression for one
   * (271 of the corpus's 20,820 decoded trees hold one).
   */
  constructor(
    private readonly st: StatementText,
    private readonly subqueries = true,
  ) {}

  /** The model of a whole statement, with column qualifiers resolved. */
  statement(node: PgNode): QueryModel | undefined {
    const q = this.build(node);
    if (q) resolveColumns(q);
    return q;
  }

  /** Any row-producing statement node (`{SelectStmt: ...}` etc.), or undefined. */
  build(node: PgNode): QueryModel | undefined {
    if (!node) return undefined;
    if (node.SelectStmt) return this.select(node.SelectStmt);
    if (node.InsertStmt) return this.insert(node.InsertStmt);
    if (node.UpdateStmt) return this.update(node.UpdateStmt);
    if (node.DeleteStmt) return this.delete(node.DeleteStmt);
    return undefined;
  }

  select(s: PgNode): QueryModel {
    let q: QueryModel;
    if (s.op && s.op !== 'SETOP_NONE') {
      q = this.select(s.larg);
      q.setOp = s.op === 'SETOP_UNION' ? 'union' : s.op === 'SETOP_INTERSECT' ? 'intersect' : 'except';
      q.subqueries.push(this.select(s.rarg));
    } else {
      q = emptyQuery('select');
      this.fromClause(q, s.fromClause ?? []);
      q.fromless = !s.fromClause?.length;
      this.targetList(q, s.targetList ?? []);
      if (s.whereClause) this.conditions(q, s.whereClause, false);
      if (s.havingClause) this.subLinks(q, s.havingClause);
      q.groupBy = (s.groupClause ?? []).filter((g: PgNode) => g.ColumnRef).map((g: PgNode) => this.column(g.ColumnRef));
      q.distinct = Array.isArray(s.distinctClause);
      q.isAggregate = q.groupBy.length === 0 && !s.groupClause?.length && this.hasAggregate(s.targetList ?? []);
    }
    this.withClause(q, s.withClause);
    this.orderBy(q, s.sortClause ?? [], s.targetList ?? []);
    this.limits(q, s);
    return q;
  }

  private insert(s: PgNode): QueryModel | undefined {
    const sel = s.selectStmt?.SelectStmt;
    // No model for INSERT ... VALUES (pg/statement.ts then skips the tree: keep the two in step).
    if (!sel || sel.valuesLists) return undefined;
    const q = emptyQuery('insert');
    q.tables.push(this.table(s.relation));
    q.subqueries.push(this.select(sel));
    this.withClause(q, s.withClause);
    return q;
  }

  private update(s: PgNode): QueryModel {
    const q = emptyQuery('update');
    q.tables.push(this.table(s.relation));
    this.fromClause(q, s.fromClause ?? []);
    for (const t of s.targetList ?? []) if (t.ResTarget?.val) this.subLinks(q, t.ResTarget.val);
    if (s.whereClause) this.conditions(q, s.whereClause, false);
    this.withClause(q, s.withClause);
    return q;
  }

  private delete(s: PgNode): QueryModel {
    const q = emptyQuery('delete');
    q.tables.push(this.table(s.relation));
    this.fromClause(q, s.usingClause ?? []);
    if (s.whereClause) this.conditions(q, s.whereClause, false);
    this.withClause(q, s.withClause);
    return q;
  }

  private withClause(q: QueryModel, w: PgNode): void {
    for (const cte of w?.ctes ?? []) {
      const sub = this.build(cte.CommonTableExpr?.ctequery);
      if (sub) q.subqueries.push(sub);
    }
  }

  table(rv: PgNode): TableRef {
    const start = this.st.at(rv.location ?? 0);
    const ref: TableRef = { name: rv.relname, span: this.st.nameSpan(start) };
    if (rv.schemaname) ref.schema = rv.schemaname;
    if (rv.alias?.aliasname) ref.alias = rv.alias.aliasname;
    return ref;
  }

  private fromClause(q: QueryModel, items: PgNode[]): void {
    for (const item of items) this.fromItem(q, item, undefined);
  }

  /** Adds a FROM item; `join` is set when the item is the right side of a JOIN. */
  private fromItem(q: QueryModel, item: PgNode, join: JoinInfo | undefined): TableRef | undefined {
    if (item.RangeVar) {
      const t = this.table(item.RangeVar);
      if (join) {
        join.table = t;
        q.joins.push(join);
      } else q.tables.push(t);
      return t;
    }
    if (item.RangeSubselect) {
      const sub = this.build(item.RangeSubselect.subquery);
      if (sub) q.subqueries.push(sub);
      return undefined;
    }
    if (item.JoinExpr) {
      const j = item.JoinExpr;
      const left = this.fromItem(q, j.larg, undefined);
      const kind: JoinInfo['kind'] =
        j.jointype === 'JOIN_LEFT' ? 'left' : j.jointype === 'JOIN_RIGHT' ? 'right' : j.jointype === 'JOIN_FULL' ? 'full' : j.quals || j.usingClause || j.isNatural ? 'inner' : 'cross';
      const info: JoinInfo = { table: undefined as unknown as TableRef, kind, conditions: [] };
      const right = this.fromItem(q, j.rarg, info);
      if (j.quals) this.conditions(q, j.quals, false, right ? info : undefined);
      if (right && left && j.usingClause) {
        for (const u of j.usingClause) {
          const name = u.String?.sval;
          if (!name) continue;
          const span = { start: right.span.start, end: right.span.end };
          info.conditions.push({
            left: { table: left.name, qualifier: left.alias ?? left.name, column: name, span },
            right: { table: right.name, qualifier: right.alias ?? right.name, column: name, span },
          });
        }
      }
      return right;
    }
    return undefined;
  }

  private targetList(q: QueryModel, targets: PgNode[]): void {
    for (const t of targets) {
      const val = t.ResTarget?.val;
      if (!val) continue;
      if (val.ColumnRef) {
        const fields = val.ColumnRef.fields ?? [];
        if (fields.length && fields[fields.length - 1].A_Star) q.selectStar ??= this.st.nameSpan(this.st.at(val.ColumnRef.location));
        else q.columns.push(this.column(val.ColumnRef));
      } else this.subLinks(q, val);
    }
  }

  private hasAggregate(targets: PgNode[]): boolean {
    return targets.some((t) => {
      const f = t.ResTarget?.val?.FuncCall;
      if (!f || f.over) return false;
      const names = f.funcname ?? [];
      return AGGREGATES.has(names[names.length - 1]?.String?.sval);
    });
  }

  private orderBy(q: QueryModel, sorts: PgNode[], targets: PgNode[]): void {
    for (const s of sorts) {
      const sb = s.SortBy;
      let node = sb?.node;
      const ordinal = node?.A_Const?.ival?.ival;
      if (typeof ordinal === 'number') node = targets[ordinal - 1]?.ResTarget?.val;
      else if (node?.ColumnRef?.fields?.length === 1) {
        // `ORDER BY distance` naming a select-list item `embedding <=> $1 AS distance`
        const alias = node.ColumnRef.fields[0].String?.sval;
        const target = targets.find((t: PgNode) => t.ResTarget?.name === alias && t.ResTarget?.val?.A_Expr);
        if (target) node = target.ResTarget.val;
      }
      const similarity = this.distance(node);
      if (similarity) {
        (q.similarity ??= []).push(similarity);
        continue;
      }
      if (!node?.ColumnRef || node.ColumnRef.fields?.some((f: PgNode) => f.A_Star)) continue;
      q.orderBy.push({ column: this.column(node.ColumnRef), desc: sb.sortby_dir === 'SORTBY_DESC' });
    }
  }

  /** A pgvector distance between a column and a value (`embedding <=> $1::vector`), either side. */
  private distance(node: PgNode): SimilarityOrder | undefined {
    const e = node?.A_Expr;
    if (!e || e.kind !== 'AEXPR_OP') return undefined;
    const operator = this.opName(e);
    if (!DISTANCE_OPERATORS.has(operator)) return undefined;
    const col = e.lexpr?.ColumnRef ? e.lexpr : e.rexpr?.ColumnRef ? e.rexpr : undefined;
    if (!col) return undefined;
    return { column: this.column(col.ColumnRef), operator: operator as DistanceOperator, span: this.exprSpan(node) };
  }

  private limits(q: QueryModel, s: PgNode): void {
    const count = s.limitCount;
    if (count && !count.A_Const?.isnull) {
      const v = this.exprSpan(count);
      const fetch = this.st.keywordBefore(v.start, ['FIRST', 'NEXT']) !== undefined;
      const kw = this.st.keywordBefore(v.start, ['LIMIT', 'FIRST', 'NEXT', 'TOP']);
      let start = kw ?? v.start;
      let end = v.end;
      if (fetch) {
        start = this.st.keywordBefore(start, ['FETCH']) ?? start;
        end = this.st.extendOverWords(end, ['ROW', 'ROWS', 'ONLY', 'WITH', 'TIES']);
      }
      q.limit = { span: { start, end }, value: this.numberOf(count) };
    }
    if (s.limitOffset) {
      const v = this.exprSpan(s.limitOffset);
      const start = this.st.keywordBefore(v.start, ['OFFSET']) ?? v.start;
      q.offset = { span: { start, end: this.st.extendOverWords(v.end, ['ROW', 'ROWS']) }, value: this.numberOf(s.limitOffset) };
    }
  }

  private numberOf(node: PgNode): number | undefined {
    const c = node.A_Const;
    if (!c) return undefined;
    if (c.ival) return c.ival.ival ?? 0;
    if (c.fval) return Number(c.fval.fval);
    return c.ival === undefined && !c.sval && !c.boolval && !c.isnull ? 0 : undefined;
  }

  column(ref: PgNode): ColumnRef {
    const names = (ref.fields ?? []).map((f: PgNode) => f.String?.sval ?? '*') as string[];
    const col: ColumnRef = { column: names[names.length - 1] ?? '', span: this.st.nameSpan(this.st.at(ref.location ?? 0)) };
    if (names.length >= 2) col.qualifier = names[names.length - 2];
    return col;
  }

  /** Splits a boolean condition on AND into predicates; OR/NOT arms are disjunctive. */
  conditions(q: QueryModel, node: PgNode, disjunctive: boolean, join?: JoinInfo): void {
    if (node.BoolExpr) {
      const b = node.BoolExpr;
      const under = disjunctive || b.boolop !== 'AND_EXPR';
      for (const a of b.args ?? []) this.conditions(q, a, under, join);
      return;
    }
    if (node.A_Expr) {
      const e = node.A_Expr;
      if (join && !disjunctive && e.kind === 'AEXPR_OP' && this.opName(e) === '=' && e.lexpr?.ColumnRef && e.rexpr?.ColumnRef) {
        join.conditions.push({ left: this.column(e.lexpr.ColumnRef), right: this.column(e.rexpr.ColumnRef) });
        return;
      }
      if (!join && !disjunctive && e.kind === 'AEXPR_OP' && this.opName(e) === '=' && e.lexpr?.ColumnRef && e.rexpr?.ColumnRef) {
        q.equalities.push({ left: this.column(e.lexpr.ColumnRef), right: this.column(e.rexpr.ColumnRef) });
      }
      const p = this.aExpr(node, disjunctive);
      if (p) q.predicates.push(p);
      // `col = (SELECT ...)`: the value is the subquery's, the first one its side holds.
      this.subLinksOf(q, node, p?.valueKind === 'subquery' ? p : undefined);
      return;
    }
    if (node.NullTest?.arg?.ColumnRef) {
      const n = node.NullTest;
      const span = this.exprSpan(node);
      q.predicates.push({
        column: this.column(n.arg.ColumnRef),
        op: n.nulltesttype === 'IS_NOT_NULL' ? 'not_eq' : 'is_null',
        valueKind: 'null',
        disjunctive,
        span,
      });
      return;
    }
    let inSubquery: Predicate | undefined;
    if (node.SubLink?.subLinkType === 'ANY_SUBLINK' && node.SubLink.testexpr?.ColumnRef) {
      const l = node.SubLink;
      const op = l.operName?.[0]?.String?.sval;
      inSubquery = {
        column: this.column(l.testexpr.ColumnRef),
        op: !op || op === '=' ? 'in' : 'other',
        valueKind: 'subquery',
        disjunctive,
        span: this.exprSpan(node),
      };
      q.predicates.push(inSubquery);
    }
    // `col IN (SELECT ...)`: its subquery is the first one added (the SubLink's own SELECT).
    this.subLinksOf(q, node, inSubquery);
  }

  /** `subLinks`, and `byValue` (a predicate whose value is a subquery) told which of them is its: the first added. */
  private subLinksOf(q: QueryModel, node: PgNode, byValue: Predicate | undefined): void {
    const first = q.subqueries.length;
    this.subLinks(q, node);
    if (byValue && q.subqueries.length > first) byValue.subquery = first;
  }

  private opName(e: PgNode): string {
    const n = e.name ?? [];
    return n[n.length - 1]?.String?.sval ?? '';
  }

  private aExpr(node: PgNode, disjunctive: boolean): Predicate | undefined {
    const e = node.A_Expr;
    let colSide = e.lexpr;
    let other = e.rexpr;
    if (!colSide?.ColumnRef && other?.ColumnRef && e.kind === 'AEXPR_OP') [colSide, other] = [other, colSide];
    if (!colSide?.ColumnRef) return undefined;
    const op = predicateOp(e.kind, this.opName(e));
    const p: Predicate = { column: this.column(colSide.ColumnRef), op, valueKind: valueKind(other), disjunctive, span: this.exprSpan(node) };
    if (other?.ColumnRef) p.valueColumn = this.column(other.ColumnRef);
    const pattern = other?.A_Const?.sval?.sval ?? other?.TypeCast?.arg?.A_Const?.sval?.sval;
    if ((op === 'like' || op === 'ilike' || e.kind === 'AEXPR_LIKE' || e.kind === 'AEXPR_ILIKE') && typeof pattern === 'string') p.pattern = pattern;
    return p;
  }

  /** Adds the SELECTs nested anywhere in an expression as subqueries. */
  subLinks(q: QueryModel, node: PgNode): void {
    if (!this.subqueries || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) this.subLinks(q, n);
      return;
    }
    if (node.SubLink) {
      const sub = this.build(node.SubLink.subselect);
      if (sub) q.subqueries.push(sub);
      this.subLinks(q, node.SubLink.testexpr);
      return;
    }
    for (const k in node) {
      const v = node[k];
      if (v && typeof v === 'object') this.subLinks(q, v);
    }
  }

  /** Source span of an expression: from its first to its last located token, parentheses balanced. */
  exprSpan(node: PgNode): Span {
    const r = { min: Infinity, max: -1 };
    locationRange(node, r);
    if (r.max < 0) return { start: this.st.base, end: this.st.base };
    const span = this.st.balancedSpan(this.st.at(r.min), this.st.at(r.max));
    // A NullTest's location is its `IS`: take in the `[NOT] NULL` after it.
    if (this.st.keywordBefore(span.end, ['IS'])) span.end = this.st.extendOverWords(span.end, ['NOT', 'NULL', 'TRUE', 'FALSE', 'UNKNOWN']);
    return span;
  }
}

function locationRange(node: PgNode, r: { min: number; max: number }): void {
  if (Array.isArray(node)) {
    for (const n of node) if (n && typeof n === 'object') locationRange(n, r);
    return;
  }
  for (const k in node) {
    const v = node[k];
    if (typeof v === 'number') {
      if (v >= 0 && (k === 'location' || k === 'rexpr_list_end')) {
        if (v < r.min) r.min = v;
        if (v > r.max) r.max = v;
      }
    } else if (v && typeof v === 'object') locationRange(v, r);
  }
}

function predicateOp(kind: string, name: string): PredicateOp {
  switch (kind) {
    case 'AEXPR_OP':
      if (name === '=') return 'eq';
      if (name === '<' || name === '<=' || name === '>' || name === '>=') return 'range';
      if (name === '<>' || name === '!=') return 'not_eq';
      if (name === '~~') return 'like';
      if (name === '~~*') return 'ilike';
      if (name === '!~~' || name === '!~~*') return 'not_eq';
      return 'other';
    case 'AEXPR_OP_ANY':
      return name === '=' ? 'in' : 'other';
    case 'AEXPR_OP_ALL':
      return name === '<>' ? 'not_eq' : 'other';
    case 'AEXPR_IN':
      return name === '=' ? 'in' : 'not_eq';
    case 'AEXPR_LIKE':
      return name === '~~' ? 'like' : 'not_eq';
    case 'AEXPR_ILIKE':
      return name === '~~*' ? 'ilike' : 'not_eq';
    case 'AEXPR_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
      return 'range';
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_NOT_BETWEEN_SYM':
    case 'AEXPR_DISTINCT':
      return 'not_eq';
    case 'AEXPR_NOT_DISTINCT':
      return 'eq';
    default:
      return 'other';
  }
}

function valueKind(node: PgNode): ValueKind {
  if (!node) return 'expression';
  if (node.ParamRef) return 'param';
  if (node.A_Const) return node.A_Const.isnull ? 'null' : 'literal';
  if (node.ColumnRef) return 'column';
  if (node.SubLink) return 'subquery';
  if (node.TypeCast) return valueKind(node.TypeCast.arg);
  const items: PgNode[] | undefined = node.List?.items ?? node.A_ArrayExpr?.elements;
  if (items) {
    const kinds = new Set(items.map(valueKind));
    return kinds.size === 1 ? [...kinds][0] : kinds.has('expression') || kinds.has('column') ? 'expression' : 'literal';
  }
  return 'expression';
}
