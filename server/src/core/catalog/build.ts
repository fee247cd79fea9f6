/**
 * Builds the schema catalog by applying every DDL change of the workspace's
 * migrations and schema files, in apply order, the way PostgreSQL would.
 *
 * Never throws: odd input (an index on a table no CREATE TABLE declared, a
 * DROP of something unknown) is absorbed. A change that names an unknown table
 * (CREATE INDEX, ADD COLUMN, ADD CONSTRAINT) creates a *stub* table
 * (`stub: true`, no columns but what the change adds) rather than being
 * ignored: the table is real in the user's database (created by an ORM, another
 * repo, a schema we do not read), and forgetting its indexes would make rules
 * report indexes as missing when they exist.
 *
 * Names follow PostgreSQL's defaults when the DDL gives none: `<table>_pkey`,
 * `<table>_<cols>_key` (unique), `<table>_<cols>_fkey`, `<table>_<cols>_idx`.
 * Tables are keyed by their unqualified name; a DROP qualified with another
 * schema than the table's (a clone's) does not drop it.
 */
import type { Dialect } from '../../../../shared/types';
import type { ColumnDef, ForeignKeyDef, IndexKey, ParsedDocument, SchemaChange, Span } from '../sql/model';
import type { Catalog, ColumnInfo, ForeignKeyInfo, IndexInfo, Origin, TableInfo } from './types';
import { runSteps, type Steps } from '../steps';

export interface CatalogInput {
  /** Absolute path of the file. */
  file: string;
  document: ParsedDocument;
  /** Apply order (see Origin.order); inputs are sorted by it before applying. */
  order: number;
}

/** The catalog key of a table name: unqualified, lower-case. */
export function tableKey(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot < 0 ? name : name.slice(dot + 1)).toLowerCase();
}

/**
 * `name` as its CREATE TABLE spells it (`cscsession` → `CscSession`), its qualifier kept: readers and rules
 * name tables by the lower-case key, SQL sent to a database names them as created. `name` when the catalog lacks it.
 */
export function spelledTableName(catalog: Catalog, name: string): string {
  const table = catalog.getTable(name);
  return table?.spelled === undefined ? name : name.slice(0, name.lastIndexOf('.') + 1) + shownTableName(table);
}

/**
 * A table's name in a message, unqualified, as the user's schema spells it: the CREATE TABLE's (`CscSession`, a
 * Prisma model's or its `@@map`'s table), not the lower-case catalog key (`cscsession`), which the user never wrote.
 */
export function shownTableName(table: TableInfo): string {
  const spelled = table.spelled;
  return spelled === undefined ? table.name : spelled.slice(spelled.lastIndexOf('.') + 1);
}

/** The schema a table name is qualified with, lower-case and unquoted; `public` when unqualified. */
function schemaOf(name: string): string {
  const parts = name.split('.');
  return parts.length > 1 ? parts[parts.length - 2]!.replace(/"/g, '').toLowerCase() : 'public';
}

function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

class CatalogImpl implements Catalog {
  constructor(readonly tables = new Map<string, TableInfo>()) {}
  getTable(name: string): TableInfo | undefined {
    return this.tables.get(tableKey(name));
  }
}

/**
 * A catalog over the same tables as `catalog`, as another object: what a rebuild from the same
 * statements would give when only their positions moved, and those moved in the tables already
 * (their origins are the statements' own spans, which a parse moves in place: see shiftOwned).
 * The caches keyed by a catalog (fingerprints, index needs) start afresh with it, as after a build.
 */
export function sameTables(catalog: Catalog): Catalog {
  return new CatalogImpl(catalog.tables);
}

export function buildCatalog(inputs: CatalogInput[]): Catalog {
  return runSteps(buildCatalogSteps(inputs));
}

/** `buildCatalog` in steps (core/steps.ts): one statement with schema changes per step. */
export function* buildCatalogSteps(inputs: CatalogInput[]): Steps<Catalog> {
  const builder = new CatalogBuilder();
  const sorted = [...inputs].sort((a, b) => a.order - b.order);
  for (const input of sorted) {
    builder.dialect = input.document.dialect;
    for (const statement of input.document.statements) {
      if (statement.changes.length === 0) continue;
      yield;
      for (const change of statement.changes) {
        try {
          builder.apply(change, { file: input.file, order: input.order });
        } catch {
          // A malformed change (missing arrays from a partial parse) must not
          // cost the user the rest of the catalog.
        }
      }
    }
  }
  builder.indexForeignKeys();
  return builder.catalog;
}

type Place = { file: string; order: number };

class CatalogBuilder {
  readonly catalog = new CatalogImpl();
  /** The dialect of the input whose changes are applied. */
  dialect: Dialect | undefined;
  /** Foreign keys MySQL's InnoDB backs with an index of its own (`indexForeignKeys`), with that index's name. */
  private readonly engineIndexed = new Map<ForeignKeyInfo, string>();

  /**
   * MySQL (InnoDB) needs an index leading with a foreign key's columns and makes one when the table
   * has none (named after the constraint, else its first column): the foreign keys MySQL DDL made get
   * it, once every change is applied (an index created later serves instead, as in MySQL).
   */
  indexForeignKeys(): void {
    for (const [fk, name] of this.engineIndexed) {
      const table = this.catalog.tables.get(fk.table);
      if (!table || !table.foreignKeys.includes(fk)) continue;
      const leads = (index: IndexInfo) => {
        const lead = leadingColumns(index);
        return !index.partial && fk.columns.every((c, i) => lead[i] !== undefined && sameName(lead[i]!, c));
      };
      if (table.indexes.some(leads)) continue;
      table.indexes.push({ name, table: table.name, keys: fk.columns.map((column) => ({ column })), unique: false, partial: false, method: 'btree', implicit: 'foreignKey', origin: fk.origin });
      this.indexNames.add(name.toLowerCase());
    }
  }

  /**
   * Every name an index of the catalog was given (lower-case), kept when the index goes: a
   * name not in it names no index, known without a walk of every index (`indexNamed`, asked at
   * each CREATE INDEX and for each generated name; scripts create thousands).
   */
  private readonly indexNames = new Set<string>();
  /**
   * Every table a foreign key of the catalog was made to reference, kept when the key goes: a
   * table not in it is referenced by none, known without a walk of every table (a drop of a
   * table or column, a column's rename; scripts drop thousands of tables).
   */
  private readonly referenced = new Set<string>();

  apply(change: SchemaChange, place: Place): void {
    const origin = (span: Span): Origin => ({ file: place.file, span, order: place.order });
    switch (change.kind) {
      case 'createTable':
        return this.createTable(change, origin);
      case 'createIndex': {
        const table = this.tableOrStub(change.table, origin(change.span));
        const name = change.name ?? this.uniqueIndexName(defaultIndexName(table.name, change.keys));
        if (this.findIndex(name)) {
          return; // IF NOT EXISTS, or a duplicate PostgreSQL would reject: keep the first.
        }
        this.indexNames.add(name.toLowerCase());
        table.indexes.push({
          name,
          table: table.name,
          keys: change.keys.map((k) => ({ ...k })),
          unique: change.unique,
          partial: change.partial,
          ...(change.where !== undefined ? { where: change.where } : {}),
          method: (change.method || 'btree').toLowerCase(),
          ...(change.options ? { options: { ...change.options } } : {}),
          origin: origin(change.span),
        });
        return;
      }
      case 'dropTable':
        for (const name of change.tables) if (this.sameSchema(name)) this.dropTable(name);
        return;
      case 'dropIndex':
        for (const name of change.names) this.dropIndex(name, origin(change.span));
        return;
      case 'addColumn': {
        const table = this.tableOrStub(change.table, origin(change.span));
        this.addColumn(table, change.column, origin);
        return;
      }
      case 'dropColumn': {
        const table = this.catalog.getTable(change.table);
        if (table) this.dropColumn(table, change.column);
        return;
      }
      case 'renameColumn': {
        const table = this.catalog.getTable(change.table);
        if (table) this.renameColumn(table, change.from, change.to);
        return;
      }
      case 'renameTable':
        return this.renameTable(change.from, change.to);
      case 'renameIndex':
        return this.renameIndex(change.from, change.to);
      case 'addConstraint': {
        const table = this.tableOrStub(change.table, origin(change.span));
        const c = change.constraint;
        const o = origin(change.span);
        if (c.type === 'primaryKey') this.setPrimaryKey(table, c.columns, c.name, o);
        else if (c.type === 'unique') this.addUnique(table, c.columns, c.name, o);
        else this.addForeignKey(table, c.fk, o);
        return;
      }
      case 'dropConstraint': {
        const table = this.catalog.getTable(change.table);
        if (table) this.dropConstraint(table, change.name);
        return;
      }
    }
  }

  private createTable(change: Extract<SchemaChange, { kind: 'createTable' }>, origin: (s: Span) => Origin): void {
    const key = tableKey(change.table);
    const existing = this.catalog.tables.get(key);
    // IF NOT EXISTS keeps an existing table, but not an ORM model's (inputs before the migrations,
    // negative orders): a migration's table is what the database has (older drizzle-kit writes IF NOT EXISTS).
    if (existing && !existing.stub && change.ifNotExists && !(existing.origin.order < 0 && origin(change.span).order >= 0)) return;
    const table: TableInfo = existing?.stub
      ? existing // keep what was recorded against the stub (indexes created earlier)
      : { name: tableKey(change.table), columns: new Map(), uniques: [], foreignKeys: [], indexes: [], origin: origin(change.span) };
    table.spelled = change.table;
    if (change.schema) table.schema = change.schema.toLowerCase();
    else delete table.schema;
    if (existing?.stub) {
      delete table.stub;
      table.origin = origin(change.span);
    } else if (existing) {
      this.dropTable(change.table); // CREATE TABLE over an existing one: the newer wins.
    }
    this.catalog.tables.set(key, table);

    for (const column of change.columns) this.addColumn(table, column, origin, false);
    const inlinePk = change.columns.filter((c) => c.primaryKey).map((c) => c.name);
    const pk = change.primaryKey && change.primaryKey.length > 0 ? change.primaryKey : inlinePk;
    if (pk.length > 0) this.setPrimaryKey(table, pk, undefined, origin(change.span));
    for (const column of change.columns) {
      if (column.unique) this.addUnique(table, [column.name], undefined, origin(column.span));
    }
    for (const unique of change.uniques ?? []) this.addUnique(table, unique.columns, unique.name, origin(change.span));
    for (const column of change.columns) this.addInlineReference(table, column, origin);
    for (const fk of change.foreignKeys ?? []) this.addForeignKey(table, fk, origin(fk.span));
  }

  private addColumn(table: TableInfo, column: ColumnDef, origin: (s: Span) => Origin, withConstraints = true): void {
    table.columns.set(column.name, { name: column.name, type: column.type, notNull: column.notNull || column.primaryKey, origin: origin(column.span) });
    if (!withConstraints) return;
    if (column.primaryKey) this.setPrimaryKey(table, [column.name], undefined, origin(column.span));
    if (column.unique) this.addUnique(table, [column.name], undefined, origin(column.span));
    this.addInlineReference(table, column, origin);
  }

  private addInlineReference(table: TableInfo, column: ColumnDef, origin: (s: Span) => Origin): void {
    if (!column.references) return;
    const fk: ForeignKeyDef = {
      columns: [column.name],
      refTable: column.references.table,
      refColumns: column.references.column ? [column.references.column] : [],
      span: column.span,
    };
    this.addForeignKey(table, fk, origin(column.span));
  }

  private setPrimaryKey(table: TableInfo, columns: string[], name: string | undefined, origin: Origin): void {
    if (table.primaryKey) this.dropConstraint(table, table.primaryKey.name ?? `${table.name}_pkey`);
    const keyName = name ?? `${table.name}_pkey`;
    table.primaryKey = { name: keyName, columns: [...columns], origin };
    this.indexNames.add(keyName.toLowerCase());
    for (const c of columns) {
      const info = table.columns.get(c);
      if (info) info.notNull = true;
    }
    table.indexes.push(implicitIndex(table, keyName, columns, 'primaryKey', origin));
  }

  private addUnique(table: TableInfo, columns: string[], name: string | undefined, origin: Origin): void {
    if (table.uniques.some((u) => sameColumns(u.columns, columns))) return; // UNIQUE inline and in the constraint list
    const keyName = name ?? this.uniqueIndexName(`${table.name}_${columns.join('_')}_key`);
    table.uniques.push({ name: keyName, columns: [...columns], origin });
    this.indexNames.add(keyName.toLowerCase());
    table.indexes.push(implicitIndex(table, keyName, columns, 'unique', origin));
  }

  private addForeignKey(table: TableInfo, fk: ForeignKeyDef, origin: Origin): void {
    const refTable = tableKey(fk.refTable);
    // `REFERENCES t` without columns means t's primary key.
    const target = refTable === table.name ? table : this.catalog.tables.get(refTable);
    const refColumns = fk.refColumns.length > 0 ? [...fk.refColumns] : [...(target?.primaryKey?.columns ?? [])];
    // Parsers may report an inline REFERENCES both on the column and as a table constraint.
    if (table.foreignKeys.some((f) => f.refTable === refTable && sameColumns(f.columns, fk.columns) && sameColumns(f.refColumns, refColumns))) return;
    const info: ForeignKeyInfo = {
      name: fk.name ?? `${table.name}_${fk.columns.join('_')}_fkey`,
      table: table.name,
      columns: [...fk.columns],
      refTable,
      refColumns,
      origin,
    };
    this.referenced.add(refTable);
    table.foreignKeys.push(info);
    if (this.dialect === 'mysql' && fk.columns.length > 0) this.engineIndexed.set(info, fk.name ?? fk.columns[0]!);
  }

  /**
   * Whether a DROP of `name` names the table the catalog holds under its name:
   * the same schema, an unqualified name standing for `public`. A script that
   * drops `tenant_copy.users` (a clone in another schema) leaves `users` alone.
   */
  private sameSchema(name: string): boolean {
    const table = this.catalog.getTable(name);
    return !table || schemaOf(name) === (table.schema ?? schemaOf(table.spelled ?? table.name));
  }

  private dropTable(name: string): void {
    const key = tableKey(name);
    if (!this.catalog.tables.delete(key) || !this.referenced.has(key)) return;
    // Only DROP ... CASCADE succeeds with referencing FKs; it drops them.
    // Scripts drop thousands of tables: look before allocating a filtered copy.
    const pointsHere = (fk: ForeignKeyInfo) => fk.refTable === key;
    for (const other of this.catalog.tables.values()) {
      if (other.foreignKeys.some(pointsHere)) other.foreignKeys = other.foreignKeys.filter((fk) => !pointsHere(fk));
    }
  }

  private dropIndex(name: string, by?: Origin): void {
    const found = this.indexNamed(name);
    if (!found) return;
    const { table, at } = found;
    if (by) (table.droppedIndexes ??= []).push({ index: table.indexes[at]!, by });
    table.indexes = table.indexes.filter((_, i) => i !== at);
  }

  private dropColumn(table: TableInfo, column: string): void {
    table.columns.delete(column);
    const uses = (cols: string[]) => cols.some((c) => sameName(c, column));
    table.indexes = table.indexes.filter((i) => !i.keys.some((k) => keyUses(k, column)));
    if (table.primaryKey && uses(table.primaryKey.columns)) table.primaryKey = undefined;
    table.uniques = table.uniques.filter((u) => !uses(u.columns));
    table.foreignKeys = table.foreignKeys.filter((fk) => !uses(fk.columns));
    const pointsHere = (fk: ForeignKeyInfo) => fk.refTable === table.name && uses(fk.refColumns);
    if (!this.referenced.has(table.name)) return;
    for (const other of this.catalog.tables.values()) {
      if (other.foreignKeys.some(pointsHere)) other.foreignKeys = other.foreignKeys.filter((fk) => !pointsHere(fk));
    }
  }

  private renameColumn(table: TableInfo, from: string, to: string): void {
    const renamed = new Map<string, ColumnInfo>();
    for (const [name, info] of table.columns) {
      if (sameName(name, from)) renamed.set(to, { ...info, name: to });
      else renamed.set(name, info);
    }
    table.columns = renamed;
    const rename = (cols: string[]) => cols.map((c) => (sameName(c, from) ? to : c));
    for (const index of table.indexes) index.keys = index.keys.map((k) => renameInKey(k, from, to));
    if (table.primaryKey) table.primaryKey.columns = rename(table.primaryKey.columns);
    for (const u of table.uniques) u.columns = rename(u.columns);
    for (const fk of table.foreignKeys) fk.columns = rename(fk.columns);
    if (!this.referenced.has(table.name)) return;
    for (const other of this.catalog.tables.values()) {
      for (const fk of other.foreignKeys) if (fk.refTable === table.name) fk.refColumns = rename(fk.refColumns);
    }
  }

  private renameTable(from: string, to: string): void {
    const table = this.catalog.getTable(from);
    if (!table) return;
    const oldName = table.name;
    const newName = tableKey(to);
    this.catalog.tables.delete(tableKey(from));
    table.name = newName;
    table.spelled = to;
    this.catalog.tables.set(newName, table);
    this.referenced.add(newName);
    for (const index of table.indexes) index.table = newName;
    for (const other of this.catalog.tables.values()) {
      for (const fk of other.foreignKeys) {
        if (fk.table === oldName) fk.table = newName;
        if (fk.refTable === oldName) fk.refTable = newName;
      }
    }
  }

  /** Renaming the index behind a PRIMARY KEY / UNIQUE constraint renames the constraint too (PostgreSQL). */
  private renameIndex(from: string, to: string): void {
    const index = this.findIndex(from);
    if (!index) return;
    const table = this.catalog.tables.get(index.table);
    if (index.implicit && table) {
      for (const key of [table.primaryKey, ...table.uniques]) if (key && sameName(key.name, index.name)) key.name = to;
    }
    index.name = to;
    this.indexNames.add(to.toLowerCase());
  }

  private dropConstraint(table: TableInfo, name: string): void {
    if (table.primaryKey && sameName(table.primaryKey.name, name)) {
      table.primaryKey = undefined;
    }
    table.uniques = table.uniques.filter((u) => !sameName(u.name, name));
    table.foreignKeys = table.foreignKeys.filter((fk) => !sameName(fk.name, name));
    table.indexes = table.indexes.filter((i) => !(i.implicit && sameName(i.name, name)));
  }

  private tableOrStub(name: string, origin: Origin): TableInfo {
    const existing = this.catalog.getTable(name);
    if (existing) return existing;
    const stub: TableInfo = { name: tableKey(name), columns: new Map(), uniques: [], foreignKeys: [], indexes: [], origin, stub: true };
    this.catalog.tables.set(stub.name, stub);
    return stub;
  }

  private findIndex(name: string): IndexInfo | undefined {
    const at = this.indexNamed(name);
    return at && at.table.indexes[at.at];
  }

  /**
   * Where the index named `name` (qualified or not, in any case) is. Asked at every CREATE and
   * DROP INDEX over every index so far (scripts create thousands): the name is lower-cased once,
   * and the indexes are walked by position, with no iterator or closure per table.
   */
  private indexNamed(name: string): { table: TableInfo; at: number } | undefined {
    const whole = name.toLowerCase();
    const unqualified = tableKey(name);
    if (!this.indexNames.has(whole) && !this.indexNames.has(unqualified)) return undefined;
    for (const table of this.catalog.tables.values()) {
      const indexes = table.indexes;
      for (let at = 0; at < indexes.length; at++) {
        const own = indexes[at]!.name.toLowerCase();
        if (own === whole || own === unqualified) return { table, at };
      }
    }
    return undefined;
  }

  /** PostgreSQL appends 1, 2 ... to a generated name that is taken. */
  private uniqueIndexName(base: string): string {
    let name = base;
    for (let n = 1; this.findIndex(name); n++) name = `${base}${n}`;
    return name;
  }
}

function implicitIndex(table: TableInfo, name: string, columns: string[], implicit: 'primaryKey' | 'unique', origin: Origin): IndexInfo {
  return { name, table: table.name, keys: columns.map((column) => ({ column })), unique: true, partial: false, method: 'btree', implicit, origin };
}

function defaultIndexName(table: string, keys: IndexKey[]): string {
  const parts = keys.map((k) => k.column ?? 'expr');
  return `${table}_${parts.join('_')}_idx`;
}

function sameColumns(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c, i) => sameName(c, b[i]));
}

function wordPattern(column: string): RegExp {
  return new RegExp(`(^|[^\\w$"])${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w$])`, 'gi');
}

function keyUses(key: IndexKey, column: string): boolean {
  if (key.column !== undefined) return sameName(key.column, column);
  return key.expression !== undefined && wordPattern(column).test(key.expression);
}

function renameInKey(key: IndexKey, from: string, to: string): IndexKey {
  if (key.column !== undefined) return sameName(key.column, from) ? { ...key, column: to } : key;
  if (key.expression !== undefined) return { ...key, expression: key.expression.replace(wordPattern(from), `$1${to}`) };
  return key;
}

/**
 * The plain columns an index leads with, up to its first expression key: the
 * only ones a B-tree can use for equality and range lookups.
 */
export function leadingColumns(index: IndexInfo): string[] {
  const columns: string[] = [];
  for (const key of index.keys) {
    if (key.column === undefined) break;
    columns.push(key.column);
  }
  return columns;
}

/**
 * Whether `index` serves a lookup on `eqColumns` (equality, in any order among
 * themselves) followed by `next` (the one range column, or the ORDER BY
 * columns, in that order): its leading key columns must be exactly the
 * equality columns, then `next`. Only B-tree indexes qualify, except a hash
 * index on exactly one equality column with nothing after it.
 *
 * Partial indexes count like any other: proving the query implies the index's
 * WHERE is the caller's business (check `index.partial`). With no columns at
 * all nothing is being looked up, and the answer is false.
 */
export function indexCovers(index: IndexInfo, eqColumns: string[], next: string[] = []): boolean {
  const eq = [...new Set(eqColumns.map((c) => c.toLowerCase()))];
  const rest = next.map((c) => c.toLowerCase()).filter((c) => !eq.includes(c));
  if (eq.length + rest.length === 0) return false;
  const method = (index.method || 'btree').toLowerCase();
  const leading = leadingColumns(index).map((c) => c.toLowerCase());
  if (method === 'hash') {
    return rest.length === 0 && eq.length === 1 && index.keys.length === 1 && leading[0] === eq[0];
  }
  if (method !== 'btree') return false;
  if (leading.length < eq.length + rest.length) return false;
  const head = leading.slice(0, eq.length);
  if (!eq.every((c) => head.includes(c))) return false;
  return rest.every((c, i) => leading[eq.length + i] === c);
}
