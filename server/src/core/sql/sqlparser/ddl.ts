/** node-sql-parser DDL ASTs (SQLite, MySQL) → SchemaChanges. */
import type { ColumnDef, ForeignKeyDef, IndexKey, SchemaChange, Span } from '../model';
import { COLUMN_OPTION_WORDS, type StatementText } from '../text';
import type { Locator } from './locate';
import type { SpNode } from './query';

export class SqlParserDdlBuilder {
  constructor(
    private readonly st: StatementText,
    private readonly loc: Locator,
  ) {}

  changes(node: SpNode, span: Span): SchemaChange[] {
    if (node?.type === 'create' && node.keyword === 'table') return this.createTable(node, span);
    if (node?.type === 'create' && node.keyword === 'index') return [this.createIndex(node.index, node.table?.table, node.index_columns, node, span)];
    if (node?.type === 'drop') return this.drop(node, span);
    if (node?.type === 'alter') return this.alter(node, span);
    if (node?.type === 'rename') return (node.table ?? []).map((pair: SpNode[]) => ({ kind: 'renameTable' as const, from: lower(pair[0]?.table), to: lower(pair[1]?.table), span }));
    return [];
  }

  private createTable(node: SpNode, span: Span): SchemaChange[] {
    const table = lower(node.table?.[0]?.table);
    const columns: ColumnDef[] = [];
    const uniques: { name?: string; columns: string[] }[] = [];
    const foreignKeys: ForeignKeyDef[] = [];
    const indexes: SchemaChange[] = [];
    let primaryKey: string[] | undefined;
    for (const d of node.create_definitions ?? []) {
      if (d.resource === 'column') {
        const col = this.columnDef(d, foreignKeys);
        columns.push(col);
        if (col.primaryKey) primaryKey = [col.name];
        if (col.unique) uniques.push({ columns: [col.name] });
      } else if (d.resource === 'constraint') {
        const type = String(d.constraint_type ?? '').toLowerCase();
        const cols = names(d.definition);
        if (type.startsWith('primary')) primaryKey = cols;
        else if (type.startsWith('unique')) uniques.push(named({ columns: cols }, d.constraint ?? d.index));
        else if (type === 'foreign key') foreignKeys.push(this.foreignKey(d, cols, span));
      } else if (d.resource === 'index') indexes.push(this.createIndex(d.index, table, d.definition, d, span));
    }
    const create: SchemaChange = { kind: 'createTable', table, columns, primaryKey, uniques, foreignKeys, ifNotExists: !!node.if_not_exists, span };
    return [create, ...indexes];
  }

  private columnDef(d: SpNode, fks: ForeignKeyDef[]): ColumnDef {
    const name = String(d.column?.column ?? '');
    const found = this.loc.name(name);
    const span = found ? this.st.definitionSpan(found.span.start, []) : span0(this.st);
    const type = found ? this.st.slice(this.st.definitionSpan(found.span.end, COLUMN_OPTION_WORDS)).replace(/\s+/g, ' ').toLowerCase() : String(d.definition?.dataType ?? '').toLowerCase();
    const col: ColumnDef = {
      name: found?.quoted ? name : name.toLowerCase(),
      type,
      notNull: /not null/i.test(d.nullable?.type ?? ''),
      primaryKey: !!d.primary_key,
      unique: !!d.unique || /unique/i.test(d.unique_or_primary ?? ''),
      span,
    };
    if (col.primaryKey) col.notNull = true;
    if (d.reference_definition) {
      const fk = this.foreignKey(d, [col.name], span);
      col.references = { table: fk.refTable, column: fk.refColumns[0] };
      fks.push(fk);
    }
    return col;
  }

  private foreignKey(d: SpNode, columns: string[], span: Span): ForeignKeyDef {
    const ref = d.reference_definition ?? {};
    return named({ columns, refTable: lower(ref.table?.[0]?.table), refColumns: names(ref.definition), span }, d.constraint);
  }

  private createIndex(name: SpNode, table: string | undefined, cols: SpNode[] | undefined, node: SpNode, span: Span): SchemaChange {
    const keys: IndexKey[] = (cols ?? []).map((c: SpNode) => {
      // SQLite reads a double-quoted name in the column list as the column (`ON "Note"("ownerId")`, as Prisma writes it).
      const column = c?.type === 'column_ref' ? (c.column?.expr?.value ?? c.column) : c?.type === 'double_quote_string' ? c.value : undefined;
      const key: IndexKey = column !== undefined ? { column: lower(column) } : { expression: this.st.text.slice(span.start, span.end) };
      if (/desc/i.test(c?.order_by ?? '')) key.desc = true;
      return key;
    });
    const toks = this.st.tokens;
    let k = 0;
    while (k < toks.length && k < 3 && !this.st.is(toks[k], 'INDEX') && !this.st.is(toks[k], 'KEY')) k++;
    const indexName = typeof name === 'string' ? name : name?.name;
    const change: SchemaChange = {
      kind: 'createIndex',
      table: lower(table),
      keys,
      unique: /unique/i.test(String(node.index_type ?? node.keyword ?? '')),
      partial: !!node.where,
      method: String(node.index_using?.type ?? node.index_type ?? 'btree').toLowerCase().replace('unique', 'btree'),
      concurrently: false,
      ifNotExists: !!node.if_not_exists,
      span,
      keywordSpan: node.type === 'create' && toks[k] ? { start: toks[0].start, end: toks[k].end } : span,
    };
    if (indexName) change.name = lower(indexName);
    if (node.where) {
      const w = this.loc.keyword('WHERE');
      if (w) change.where = this.st.text.slice(w.end, span.end).trim();
    }
    return change;
  }

  private drop(node: SpNode, span: Span): SchemaChange[] {
    if (node.keyword === 'table') return [{ kind: 'dropTable', tables: (node.name ?? []).map((t: SpNode) => lower(t.table)), span }];
    if (node.keyword === 'index') return [{ kind: 'dropIndex', names: [lower(node.name?.column ?? node.name?.table ?? node.name)], span }];
    return [];
  }

  private alter(node: SpNode, span: Span): SchemaChange[] {
    const table = lower(node.table?.[0]?.table);
    const out: SchemaChange[] = [];
    for (const a of node.expr ?? []) {
      const action = String(a.action ?? '').toLowerCase();
      const resource = String(a.resource ?? '').toLowerCase();
      if (action === 'add' && resource === 'column') {
        const fks: ForeignKeyDef[] = [];
        out.push({ kind: 'addColumn', table, column: this.columnDef(a, fks), span });
        for (const fk of fks) out.push({ kind: 'addConstraint', table, constraint: { type: 'foreignKey', fk }, span });
      } else if (action === 'drop' && resource === 'column') out.push({ kind: 'dropColumn', table, column: lower(a.column?.column), span });
      else if (action === 'rename' && resource === 'column') out.push({ kind: 'renameColumn', table, from: lower(a.old_column?.column), to: lower(a.column?.column), span });
      else if (action === 'rename') out.push({ kind: 'renameTable', from: table, to: lower(a.table), span });
      else if (action === 'add' && resource === 'index') out.push(this.createIndex(a.index, table, a.definition, a, span));
      else if (action === 'add' && resource === 'constraint') {
        const d = a.create_definitions ?? {};
        const type = String(d.constraint_type ?? '').toLowerCase();
        const cols = names(d.definition);
        if (type.startsWith('primary')) out.push({ kind: 'addConstraint', table, constraint: named({ type: 'primaryKey' as const, columns: cols }, d.constraint), span });
        else if (type.startsWith('unique')) out.push({ kind: 'addConstraint', table, constraint: named({ type: 'unique' as const, columns: cols }, d.constraint ?? d.index), span });
        else if (type === 'foreign key') out.push({ kind: 'addConstraint', table, constraint: { type: 'foreignKey', fk: this.foreignKey(d, cols, span) }, span });
      } else if (action === 'drop' && (resource === 'constraint' || resource === 'key')) out.push({ kind: 'dropConstraint', table, name: lower(a.key ?? a.constraint ?? a.name), span });
      else if (action === 'drop' && resource === 'index') out.push({ kind: 'dropIndex', names: [lower(a.index ?? a.key ?? a.name)], span });
    }
    return out;
  }
}

function lower(v: unknown): string {
  return String(v ?? '').toLowerCase();
}

function names(defs: SpNode[] | undefined): string[] {
  return (defs ?? []).map((c: SpNode) => lower(c?.column?.expr?.value ?? c?.column));
}

function named<T extends object>(obj: T, name: unknown): T & { name?: string } {
  return typeof name === 'string' && name ? { ...obj, name: name.toLowerCase() } : obj;
}

function span0(st: StatementText): Span {
  return { start: 0, end: st.text.length };
}
