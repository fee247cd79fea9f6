/**
 * Decides the shape of the shadow database before any SQL is written: which
 * tables (stubs included or not), rows per table, which columns must hold
 * distinct values, which foreign keys are kept and how each picks its parent
 * row, and the order tables are created and filled in.
 */
import type { Catalog, ForeignKeyInfo, TableInfo } from '../../core/catalog/types';
import { leadingColumns } from '../../core/catalog/build';
import type { ShadowOptions, ShadowSkip, TypeFallback } from './types';
import { columnType, type ColumnType } from './values';
import { DEFAULT_SHADOW_ROWS } from '../../../../shared/connections';

export interface ShadowColumn {
  name: string;
  declared: string;
  /** The type written in the DDL (the declared one, or text when the target lacks it). */
  ddlType: string;
  type: ColumnType;
  notNull: boolean;
}

/**
 * How a kept foreign key picks its parent row: `random` (any parent, so a
 * parent has several children), or one digit of a mixed-radix count over the
 * parents when the foreign key is part of a key made of foreign keys only
 * (a link table's primary key), so that every row's combination is distinct.
 */
export type ParentPick = { kind: 'random' } | { kind: 'radix'; divisor: number };

export interface ShadowForeignKey {
  info: ForeignKeyInfo;
  parent: ShadowTable;
  pick: ParentPick;
}

export interface ShadowTable {
  info: TableInfo;
  /** The catalog's key (lower case): reports and `tableRows` name the table by it. */
  name: string;
  /** The name the migrations create, case kept (`CscSession`): what the shadow's SQL writes, as the queries explained on it do. */
  sqlName: string;
  rows: number;
  columns: ShadowColumn[];
  /** Columns that hold a distinct value per row (the key columns that need it). */
  distinct: Set<string>;
  foreignKeys: ShadowForeignKey[];
  /** Unique keys (primary key, unique constraints, unique indexes on plain columns). */
  keys: string[][];
}

export interface ShadowLayout {
  /** In creation order: parents before children. */
  tables: ShadowTable[];
  /** Foreign keys pointing forward in that order (a cycle): SQLite cannot declare them. */
  forward: Set<ForeignKeyInfo>;
  skipped: ShadowSkip[];
  fallbacks: TypeFallback[];
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((c) => b.includes(c));

export function shadowLayout(catalog: Catalog, options: ShadowOptions): ShadowLayout {
  const skipped: ShadowSkip[] = [];
  const fallbacks: TypeFallback[] = [];
  const byName = new Map<string, ShadowTable>();
  for (const info of catalog.tables.values()) {
    if (info.columns.size === 0) {
      skipped.push({ table: info.name, what: 'table', reason: 'no CREATE TABLE and no known column (only an index or constraint names it)' });
      continue;
    }
    const table: ShadowTable = {
      info,
      name: info.name,
      sqlName: unqualified(info.spelled ?? info.name),
      rows: Math.max(1, Math.floor(options.tableRows?.[info.name] ?? options.rowsPerTable ?? DEFAULT_SHADOW_ROWS)),
      columns: [...info.columns.values()].map((c) => shadowColumn(info.name, c.name, c.type.trim() ? c.type : referencedType(catalog, info, c.name), c.notNull, options, fallbacks)),
      distinct: new Set(),
      foreignKeys: [],
      keys: uniqueKeys(info),
    };
    // A stub's shape is what later migrations added to it: created from that, its other columns unknown.
    if (info.stub) skipped.push({ table: info.name, what: 'columns', reason: 'no CREATE TABLE seen: created with the columns later migrations add' });
    byName.set(info.name, table);
  }
  for (const table of byName.values()) table.foreignKeys = keptForeignKeys(table, byName, skipped);
  const tables = creationOrder([...byName.values()]);
  // Parents first: a capped parent's row count is final before a child counts over it.
  for (const table of tables) planKeys(table, skipped);
  const position = new Map(tables.map((t, i) => [t, i]));
  const forward = new Set<ForeignKeyInfo>();
  for (const t of tables) {
    for (const fk of t.foreignKeys) if (fk.parent !== t && position.get(fk.parent)! > position.get(t)!) forward.add(fk.info);
  }
  return { tables, forward, skipped, fallbacks };
}

/** The shadow creates every table in its own schema: the last part of a qualified name. */
function unqualified(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/**
 * The type of a column declared only by its foreign key (SQLAlchemy's `Column(ForeignKey('agents.id'))`
 * takes the referenced column's): that column's, a serial one's integer; else text.
 */
function referencedType(catalog: Catalog, info: TableInfo, column: string): string {
  for (const fk of info.foreignKeys) {
    const at = fk.columns.indexOf(column);
    const target = at < 0 ? undefined : [...catalog.tables.values()].find((t) => t.name === fk.refTable)?.columns.get(fk.refColumns[at] ?? '')?.type.trim();
    if (target) return { serial: 'integer', serial4: 'integer', bigserial: 'bigint', serial8: 'bigint', smallserial: 'smallint', serial2: 'smallint' }[target.toLowerCase()] ?? target;
  }
  return 'text';
}

function shadowColumn(table: string, name: string, declared: string, notNull: boolean, options: ShadowOptions, fallbacks: TypeFallback[]): ShadowColumn {
  const lower = declared.trim().toLowerCase();
  const type = columnType(lower);
  // SQLite accepts any type name but not PostgreSQL's array brackets.
  const unusable = options.unknownTypes?.has(lower) || (options.dialect === 'sqlite' && type.family === 'array');
  if (!unusable) return { name, declared, ddlType: declared, type, notNull };
  fallbacks.push({ table, column: name, declared, used: 'text' });
  return { name, declared, ddlType: 'text', type: { family: 'text' }, notNull };
}

/** Column sets that must be unique: primary key, unique constraints, unique indexes on plain columns. */
function uniqueKeys(info: TableInfo): string[][] {
  const keys: string[][] = [];
  const add = (cols: string[]) => {
    if (cols.length > 0 && cols.every((c) => info.columns.has(c)) && !keys.some((k) => sameSet(k, cols))) keys.push(cols);
  };
  if (info.primaryKey) add(info.primaryKey.columns);
  for (const u of info.uniques) add(u.columns);
  // Partial unique indexes too: distinct over all rows is distinct over some.
  for (const index of info.indexes) if (index.unique) add(leadingColumns(index));
  return keys;
}

function keptForeignKeys(table: ShadowTable, tables: Map<string, ShadowTable>, skipped: ShadowSkip[]): ShadowForeignKey[] {
  const kept: ShadowForeignKey[] = [];
  for (const fk of table.info.foreignKeys) {
    const parent = tables.get(fk.refTable);
    const drop = (reason: string) => skipped.push({ table: table.name, what: `foreign key ${fk.name ?? fk.columns.join(', ')}`, reason });
    if (!parent) drop(`${fk.refTable} is not in the shadow database`);
    else if (fk.refColumns.length !== fk.columns.length || !fk.refColumns.every((c) => parent.info.columns.has(c))) drop(`the referenced columns of ${fk.refTable} are unknown`);
    else if (!fk.columns.every((c) => table.info.columns.has(c))) drop('its columns are unknown');
    else if (!parent.keys.some((k) => sameSet(k, fk.refColumns))) drop(`${fk.refTable}(${fk.refColumns.join(', ')}) is not a primary key or unique`);
    else if (fk.columns.some((c) => kept.some((k) => k.info.columns.includes(c)))) drop('another foreign key already fills its column');
    else kept.push({ info: fk, parent, pick: { kind: 'random' } });
  }
  return kept;
}

/**
 * Makes every unique key hold: a key already containing a distinct column is
 * fine; else its last column that is no foreign key becomes distinct (the
 * others keep their realistic spread: `(tenant_id, slug)` leaves several
 * agents per tenant); a key of foreign keys only counts through its parents
 * in mixed radix, which caps the rows at the product of the parents' rows.
 */
function planKeys(table: ShadowTable, skipped: ShadowSkip[]): void {
  const fkOf = (column: string) => table.foreignKeys.find((f) => f.info.columns.includes(column));
  const keys = [...table.keys].sort((a, b) => a.length - b.length);
  for (const key of keys) {
    if (key.some((c) => table.distinct.has(c))) continue;
    const own = key.filter((c) => !fkOf(c));
    if (own.length > 0) {
      table.distinct.add(own[own.length - 1]);
      continue;
    }
    const fks = [...new Set(key.map((c) => fkOf(c)!))];
    if (fks.some((f) => f.pick.kind === 'radix')) continue;
    let divisor = 1;
    for (const fk of fks) {
      fk.pick = { kind: 'radix', divisor };
      divisor *= fk.parent === table ? table.rows : fk.parent.rows;
    }
    if (divisor < table.rows) {
      skipped.push({ table: table.name, what: 'rows', reason: `key (${key.join(', ')}) has only ${divisor} distinct combinations of parent rows: ${divisor} rows instead of ${table.rows}` });
      table.rows = divisor;
    }
  }
}

/** Parents before children (Kahn's order over kept foreign keys); tables of a cycle in catalog order. */
function creationOrder(tables: ShadowTable[]): ShadowTable[] {
  const order: ShadowTable[] = [];
  const placed = new Set<ShadowTable>();
  const ready = (t: ShadowTable) => t.foreignKeys.every((fk) => fk.parent === t || placed.has(fk.parent));
  while (order.length < tables.length) {
    const next = tables.find((t) => !placed.has(t) && ready(t)) ?? tables.find((t) => !placed.has(t))!;
    placed.add(next);
    order.push(next);
  }
  return order;
}
