/** PostgreSQL DDL parse trees → SchemaChanges for the catalog. */
import type { ColumnDef, ForeignKeyDef, IndexKey, SchemaChange, Span } from '../model';
import type { PgNode, PgQueryBuilder } from './query';
import { COLUMN_OPTION_WORDS, type StatementText } from '../text';


/** The statement types `PgDdlBuilder.changes` reads (any other top-level statement changes no schema). */
export const DDL_STATEMENT_TYPES = ['CreateStmt', 'IndexStmt', 'DropStmt', 'AlterTableStmt', 'RenameStmt'] as const;

export class PgDdlBuilder {
  constructor(
    private readonly st: StatementText,
    private readonly q: PgQueryBuilder,
  ) {}

  changes(stmt: PgNode, span: Span): SchemaChange[] {
    if (stmt.CreateStmt) return [this.createTable(stmt.CreateStmt, span)];
    if (stmt.IndexStmt) return [this.createIndex(stmt.IndexStmt, span)];
    if (stmt.DropStmt) return this.drop(stmt.DropStmt, span);
    if (stmt.AlterTableStmt) return this.alterTable(stmt.AlterTableStmt, span);
    if (stmt.RenameStmt) return this.rename(stmt.RenameStmt, span);
    return [];
  }

  private createTable(s: PgNode, span: Span): SchemaChange {
    const columns: ColumnDef[] = [];
    const uniques: { name?: string; columns: string[] }[] = [];
    const foreignKeys: ForeignKeyDef[] = [];
    let primaryKey: string[] | undefined;
    for (const el of s.tableElts ?? []) {
      if (el.ColumnDef) {
        const col = this.columnDef(el.ColumnDef, s.relation.relname, foreignKeys);
        columns.push(col);
        if (col.primaryKey) primaryKey = [col.name];
        if (col.unique) uniques.push({ columns: [col.name] });
      } else if (el.Constraint) {
        const c = el.Constraint;
        const cols = names(c.keys);
        if (c.contype === 'CONSTR_PRIMARY') primaryKey = cols;
        else if (c.contype === 'CONSTR_UNIQUE') uniques.push(withName({ columns: cols }, c.conname));
        else if (c.contype === 'CONSTR_FOREIGN') foreignKeys.push(this.foreignKey(c, names(c.fk_attrs)));
      }
    }
    return { kind: 'createTable', table: s.relation.relname, ...(s.relation.schemaname ? { schema: s.relation.schemaname } : {}), columns, primaryKey, uniques, foreignKeys, ifNotExists: !!s.if_not_exists, span };
  }

  private columnDef(d: PgNode, _table: string, fks: ForeignKeyDef[]): ColumnDef {
    const start = this.st.at(d.location ?? 0);
    const col: ColumnDef = {
      name: d.colname,
      type: this.typeText(d.typeName),
      notNull: false,
      primaryKey: false,
      unique: false,
      span: this.columnDefSpan(start),
    };
    for (const cn of d.constraints ?? []) {
      const c = cn.Constraint;
      if (!c) continue;
      if (c.contype === 'CONSTR_NOTNULL') col.notNull = true;
      else if (c.contype === 'CONSTR_PRIMARY') col.primaryKey = col.notNull = true;
      else if (c.contype === 'CONSTR_UNIQUE') col.unique = true;
      else if (c.contype === 'CONSTR_FOREIGN') {
        const fk = this.foreignKey(c, [col.name]);
        col.references = { table: fk.refTable, column: fk.refColumns[0] };
        fk.span = col.span;
        fks.push(fk);
      }
    }
    return col;
  }

  /** The type as written (`varchar(20)`, `timestamp with time zone`), lower-cased. */
  private typeText(t: PgNode): string {
    if (!t) return '';
    const span = this.st.definitionSpan(this.st.at(t.location ?? 0), COLUMN_OPTION_WORDS);
    return this.st.slice(span).replace(/\s+/g, ' ').toLowerCase();
  }

  /** From a column's name to the `,` or `)` that ends its definition. */
  private columnDefSpan(start: number): Span {
    return this.st.definitionSpan(start, []);
  }

  private foreignKey(c: PgNode, columns: string[]): ForeignKeyDef {
    const start = this.st.at(c.location ?? 0);
    return withName(
      { columns, refTable: c.pktable?.relname ?? '', refColumns: names(c.pk_attrs), span: this.columnDefSpan(start) },
      c.conname,
    );
  }

  private createIndex(s: PgNode, span: Span): SchemaChange {
    const keys: IndexKey[] = (s.indexParams ?? []).map((p: PgNode) => {
      const e = p.IndexElem ?? {};
      const key: IndexKey = {};
      if (e.name) key.column = e.name;
      else if (e.expr) key.expression = this.st.slice(this.q.exprSpan(e.expr));
      if (e.ordering === 'SORTBY_DESC') key.desc = true;
      if (e.opclass?.length) key.opclass = names(e.opclass).join('.');
      return key;
    });
    const toks = this.st.tokens;
    let k = 0;
    while (k < toks.length && k < 3 && !this.st.is(toks[k], 'INDEX')) k++;
    const keywordSpan = { start: span.start + (toks[0]?.start ?? 0), end: span.start + (toks[k]?.end ?? toks[0]?.end ?? 0) };
    const change: SchemaChange = {
      kind: 'createIndex',
      table: s.relation?.relname ?? '',
      keys,
      unique: !!s.unique,
      partial: !!s.whereClause,
      method: s.accessMethod ?? 'btree',
      concurrently: !!s.concurrent,
      ifNotExists: !!s.if_not_exists,
      span,
      keywordSpan,
    };
    if (s.idxname) change.name = s.idxname;
    const options = storageParameters(s.options);
    if (options) change.options = options;
    if (s.whereClause) change.where = this.st.slice(this.q.exprSpan(s.whereClause));
    return change;
  }

  private drop(s: PgNode, span: Span): SchemaChange[] {
    const parts = (s.objects ?? []).map((o: PgNode) => names(o.List?.items ?? []));
    const objs: string[] = parts.map((p: string[]) => p[p.length - 1] ?? '');
    // A table keeps its schema: dropping another schema's table of the same name (a clone) is not dropping this one.
    if (s.removeType === 'OBJECT_TABLE') return [{ kind: 'dropTable', tables: parts.map((p: string[]) => p.slice(-2).join('.')), span }];
    if (s.removeType === 'OBJECT_INDEX') return [{ kind: 'dropIndex', names: objs, span }];
    return [];
  }

  private alterTable(s: PgNode, span: Span): SchemaChange[] {
    const table = s.relation?.relname ?? '';
    const out: SchemaChange[] = [];
    if (s.objtype && s.objtype !== 'OBJECT_TABLE') return out;
    for (const c of s.cmds ?? []) {
      const cmd = c.AlterTableCmd;
      if (!cmd) continue;
      if (cmd.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef) {
        const fks: ForeignKeyDef[] = [];
        out.push({ kind: 'addColumn', table, column: this.columnDef(cmd.def.ColumnDef, table, fks), span });
        for (const fk of fks) out.push({ kind: 'addConstraint', table, constraint: { type: 'foreignKey', fk }, span });
      } else if (cmd.subtype === 'AT_DropColumn') out.push({ kind: 'dropColumn', table, column: cmd.name, span });
      else if (cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint) {
        const k = cmd.def.Constraint;
        const cols = names(k.keys);
        if (k.contype === 'CONSTR_PRIMARY') out.push({ kind: 'addConstraint', table, constraint: withName({ type: 'primaryKey' as const, columns: cols }, k.conname), span });
        else if (k.contype === 'CONSTR_UNIQUE') out.push({ kind: 'addConstraint', table, constraint: withName({ type: 'unique' as const, columns: cols }, k.conname), span });
        else if (k.contype === 'CONSTR_FOREIGN') out.push({ kind: 'addConstraint', table, constraint: { type: 'foreignKey', fk: this.foreignKey(k, names(k.fk_attrs)) }, span });
      } else if (cmd.subtype === 'AT_DropConstraint' && cmd.name) out.push({ kind: 'dropConstraint', table, name: cmd.name, span });
    }
    return out;
  }

  private rename(s: PgNode, span: Span): SchemaChange[] {
    const rel = s.relation?.relname ?? '';
    switch (s.renameType) {
      case 'OBJECT_COLUMN':
        return [{ kind: 'renameColumn', table: rel, from: s.subname, to: s.newname, span }];
      case 'OBJECT_TABLE':
        return [{ kind: 'renameTable', from: rel, to: s.newname, span }];
      case 'OBJECT_INDEX':
        return [{ kind: 'renameIndex', from: rel, to: s.newname, span }];
      default:
        return [];
    }
  }
}

function names(list: PgNode[] | undefined): string[] {
  return (list ?? []).map((n: PgNode) => n.String?.sval).filter((x: unknown): x is string => typeof x === 'string');
}

function withName<T extends object>(obj: T, name: string | undefined): T & { name?: string } {
  return name ? { ...obj, name } : obj;
}

/** `WITH (m = 16, ef_construction = 64)`: each parameter's value as text. */
function storageParameters(options: PgNode[] | undefined): Record<string, string> | undefined {
  if (!options?.length) return undefined;
  const out: Record<string, string> = {};
  for (const o of options) {
    const d = o.DefElem;
    if (!d?.defname) continue;
    const a = d.arg ?? {};
    const value = a.Integer ? String(a.Integer.ival ?? 0) : a.Float ? String(a.Float.fval) : a.String ? String(a.String.sval) : a.Boolean ? String(!!a.Boolean.boolval) : a.TypeName ? names(a.TypeName.names ?? []).join('.') : '';
    out[String(d.defname).toLowerCase()] = value;
  }
  return out;
}
