/**
 * The shadow database as a script: CREATE TABLE in foreign-key order, one
 * set-based INSERT ... SELECT per table (generate_series on PostgreSQL, a
 * recursive CTE on SQLite), the foreign keys (PostgreSQL adds them after the
 * fill, so the database checks every row at once), the indexes, ANALYZE.
 *
 * Pure: the same catalog and options give the same script, and the script's
 * text is the shadow's signature.
 */
import { createHash } from 'node:crypto';
import type { Catalog, IndexInfo } from '../../core/catalog/types';
import { quoteIdent } from '../../core/migrations/writer';
import { shadowLayout, type ShadowForeignKey, type ShadowLayout, type ShadowTable } from './layout';
import { below, stream } from './random';
import type { ShadowDialect, ShadowOptions, ShadowScript, ShadowSkip, ShadowStatement } from './types';
import { distinctValue, literal, randomValue, type ValueContext } from './values';

/** Bumped when the generated data changes shape, so that shadows built by an older QueryLens are rebuilt. */
const GENERATOR_VERSION = 1;

/** Foreign keys are followed this deep to compute a parent's key (a key that is itself a foreign key ...). */
const MAX_DEPTH = 6;

export function shadowScript(catalog: Catalog, options: ShadowOptions): ShadowScript {
  const layout = shadowLayout(catalog, options);
  const writer = new ScriptWriter(layout, options);
  return {
    statements: writer.statements(),
    skipped: [...layout.skipped, ...writer.skipped],
    fallbacks: layout.fallbacks,
    rows: Object.fromEntries(layout.tables.map((t) => [t.name, t.rows])),
  };
}

/** Changes exactly when the shadow built from `catalog` with `options` would change (types the target lacks, and `replace`, aside). */
export function shadowSignature(catalog: Catalog, options: ShadowOptions): string {
  const script = shadowScript(catalog, { ...options, unknownTypes: undefined, replace: false });
  const hash = createHash('sha256').update(`v${GENERATOR_VERSION}\n`);
  for (const s of script.statements) hash.update(s.sql).update('\n');
  return hash.digest('hex').slice(0, 32);
}

class ScriptWriter {
  readonly skipped: ShadowSkip[] = [];
  private readonly dialect: ShadowDialect;
  private readonly seed: number;
  private readonly replace: boolean;

  constructor(
    private readonly layout: ShadowLayout,
    options: ShadowOptions,
  ) {
    this.dialect = options.dialect;
    this.seed = options.seed ?? 1;
    this.replace = options.replace ?? false;
  }

  statements(): ShadowStatement[] {
    const out: ShadowStatement[] = [];
    const { tables } = this.layout;
    if (this.replace) {
      // Children first, before SQLite enforces foreign keys: dropping a parent would check its children's rows.
      const cascade = this.dialect === 'postgres' ? ' CASCADE' : '';
      for (const table of [...tables].reverse()) out.push({ sql: `DROP TABLE IF EXISTS ${this.tableId(table)}${cascade}`, table: table.name, purpose: 'setup' });
    }
    if (this.dialect === 'sqlite') out.push({ sql: 'PRAGMA foreign_keys = ON', purpose: 'setup' });
    const early = new Set<IndexInfo>();
    for (const table of tables) {
      out.push({ sql: this.createTable(table), table: table.name, purpose: 'table' });
      // SQLite checks a foreign key's parent key for a unique index while it inserts children.
      for (const index of this.parentKeyIndexes(table)) {
        early.add(index);
        out.push(this.createIndex(table, index, 'unique-index'));
      }
    }
    for (const table of tables) out.push({ sql: this.fill(table), table: table.name, purpose: 'fill' });
    // The fill writes serial keys itself: their sequences go past them, so an INSERT explained here (an ORM's
    // `create`, which leaves the key to its default) takes a free key instead of failing on the first row's.
    if (this.dialect === 'postgres') {
      for (const table of tables) {
        for (const column of table.columns) {
          if (column.type.family !== 'serial') continue;
          const sequence = `pg_get_serial_sequence(${literal(this.tableId(table))}, ${literal(column.name)})`;
          out.push({ sql: `SELECT setval(${sequence}, (SELECT COALESCE(max(${this.id(column.name)}), 0) + 1 FROM ${this.tableId(table)}), false)`, table: table.name, purpose: 'fill' });
        }
      }
    }
    if (this.dialect === 'postgres') {
      for (const table of tables) {
        for (const fk of table.foreignKeys) {
          const name = fk.info.name ?? `${table.sqlName}_${fk.info.columns.join('_')}_fkey`;
          const sql = `ALTER TABLE ${this.tableId(table)} ADD CONSTRAINT ${this.id(name)} ${this.references(fk)}`;
          out.push({ sql, table: table.name, purpose: 'foreign-key', name });
        }
      }
    }
    for (const table of tables) {
      for (const index of table.info.indexes) {
        if (index.implicit || early.has(index)) continue;
        const skip = this.unusableIndex(table, index);
        if (skip) this.skipped.push({ table: table.name, what: `index ${index.name}`, reason: skip });
        else out.push(this.createIndex(table, index, 'index'));
      }
    }
    if (this.dialect === 'postgres') for (const table of tables) out.push({ sql: `ANALYZE ${this.tableId(table)}`, table: table.name, purpose: 'analyze' });
    else out.push({ sql: 'ANALYZE', purpose: 'analyze' });
    return out;
  }

  private id(name: string): string {
    return quoteIdent(name, this.dialect);
  }

  private tableId(table: ShadowTable): string {
    return this.id(table.sqlName);
  }

  private createTable(table: ShadowTable): string {
    const lines = table.columns.map((c) => `  ${this.id(c.name)} ${c.ddlType}${c.notNull ? ' NOT NULL' : ''}`);
    const pk = table.info.primaryKey;
    const constraint = (name: string | undefined) => (name && this.dialect === 'postgres' ? `CONSTRAINT ${this.id(name)} ` : '');
    if (pk && pk.columns.every((c) => table.info.columns.has(c))) lines.push(`  ${constraint(pk.name)}PRIMARY KEY (${this.list(pk.columns)})`);
    for (const u of table.info.uniques) {
      if (u.columns.every((c) => table.info.columns.has(c))) lines.push(`  ${constraint(u.name)}UNIQUE (${this.list(u.columns)})`);
    }
    if (this.dialect === 'sqlite') {
      for (const fk of table.foreignKeys) {
        if (this.layout.forward.has(fk.info)) {
          this.skipped.push({ table: table.name, what: `foreign key ${fk.info.name ?? fk.info.columns.join(', ')}`, reason: `a foreign-key cycle: SQLite cannot declare it before ${fk.parent.name} exists (its values still point at existing rows)` });
        } else lines.push(`  ${this.references(fk)}`);
      }
    }
    return `CREATE TABLE ${this.tableId(table)} (\n${lines.join(',\n')}\n)`;
  }

  private references(fk: ShadowForeignKey): string {
    return `FOREIGN KEY (${this.list(fk.info.columns)}) REFERENCES ${this.tableId(fk.parent)} (${this.list(fk.info.refColumns)})`;
  }

  private list(columns: string[]): string {
    return columns.map((c) => this.id(c)).join(', ');
  }

  /** Explicit unique indexes that children's foreign keys point at. */
  private parentKeyIndexes(table: ShadowTable): IndexInfo[] {
    const targets = this.layout.tables.flatMap((t) => t.foreignKeys.filter((fk) => fk.parent === table).map((fk) => fk.info.refColumns));
    return table.info.indexes.filter(
      (i) => !i.implicit && i.unique && !i.partial && !this.unusableIndex(table, i) && targets.some((cols) => cols.length === i.keys.length && i.keys.every((k) => k.column && cols.includes(k.column))),
    );
  }

  private unusableIndex(table: ShadowTable, index: IndexInfo): string | undefined {
    const missing = index.keys.find((k) => k.column !== undefined && !table.info.columns.has(k.column));
    if (missing) return `column ${missing.column} is unknown`;
    if (index.partial && index.where === undefined) return 'partial index whose predicate is unknown';
    if (index.partial && /\.py$/.test(index.origin.file)) return 'partial index whose predicate is Python code (SQLAlchemy), not SQL';
    if (this.dialect === 'sqlite' && index.method !== 'btree') return `SQLite has no ${index.method} indexes`;
    return undefined;
  }

  private createIndex(table: ShadowTable, index: IndexInfo, purpose: 'index' | 'unique-index'): ShadowStatement {
    const keys = index.keys.map((k) => {
      const key = k.column !== undefined ? this.id(k.column) : `(${k.expression ?? ''})`;
      const opclass = k.opclass && this.dialect === 'postgres' ? ` ${k.opclass}` : '';
      return `${key}${opclass}${k.desc ? ' DESC' : ''}`;
    });
    const using = this.dialect === 'postgres' && index.method !== 'btree' ? ` USING ${index.method}` : '';
    const where = index.partial && index.where ? ` WHERE ${index.where}` : '';
    // Storage parameters as the schema writes them (HNSW's m, ef_construction; IVFFlat's lists), when they are plain words or numbers.
    const options = Object.entries(index.options ?? {}).filter(([k, v]) => /^\w+$/.test(k) && /^[\w.]+$/.test(v));
    const storage = this.dialect === 'postgres' && options.length ? ` WITH (${options.map(([k, v]) => `${k} = ${v}`).join(', ')})` : '';
    const sql = `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${this.id(index.name)} ON ${this.tableId(table)}${using} (${keys.join(', ')})${storage}${where}`;
    return { sql, table: table.name, purpose, name: index.name };
  }

  private fill(table: ShadowTable): string {
    const names = table.columns.map((c) => this.id(c.name)).join(', ');
    const values = table.columns.map((c) => this.value(table, c.name, 'ord', 0, c.notNull)).join(',\n  ');
    if (this.dialect === 'postgres') {
      return `INSERT INTO ${this.tableId(table)} (${names})\nSELECT\n  ${values}\nFROM generate_series(1::bigint, ${table.rows}) AS g(ord)`;
    }
    return `INSERT INTO ${this.tableId(table)} (${names})\nWITH RECURSIVE g(ord) AS (SELECT 1 UNION ALL SELECT ord + 1 FROM g WHERE ord < ${table.rows})\nSELECT\n  ${values}\nFROM g`;
  }

  /**
   * The SQL value of `column` of `table` at row `ordinal`: through its foreign
   * key, the parent's own value at the picked parent row; a distinct value for
   * key columns; else a realistic random one.
   */
  private value(table: ShadowTable, column: string, ordinal: string, depth: number, notNull: boolean): string {
    const fk = depth < MAX_DEPTH ? table.foreignKeys.find((f) => f.info.columns.includes(column)) : undefined;
    if (fk) {
      const parentOrdinal = this.parentOrdinal(table, fk, ordinal);
      const refColumn = fk.info.refColumns[fk.info.columns.indexOf(column)];
      const parentColumn = fk.parent.columns.find((c) => c.name === refColumn)!;
      const value = this.value(fk.parent, refColumn, parentOrdinal, depth + 1, parentColumn.notNull);
      const nullable = depth === 0 && !fk.info.columns.every((c) => table.columns.find((tc) => tc.name === c)?.notNull);
      if (!nullable) return value;
      // One test for every column of the key, so a composite reference is NULL as a whole (1 row in 10).
      return `CASE WHEN ${below(stream(this.seed, table.name, fk.info.columns.join(','), 'null'), ordinal, 10)} = 0 THEN NULL ELSE ${value} END`;
    }
    const info = table.columns.find((c) => c.name === column)!;
    const ctx: ValueContext = { dialect: this.dialect, column, type: info.type, rows: table.rows, stream: stream(this.seed, table.name, column) };
    if (table.distinct.has(column)) {
      const distinct = distinctValue(ctx, ordinal);
      if (distinct) return distinct;
      if (depth === 0) this.skipped.push({ table: table.name, what: `column ${column}`, reason: `a ${info.declared} cannot hold ${table.rows} distinct values: the fill will break its uniqueness` });
    }
    return randomValue(ctx, ordinal, !notNull && depth === 0);
  }

  private parentOrdinal(table: ShadowTable, fk: ShadowForeignKey, ordinal: string): string {
    const parentRows = fk.parent === table ? table.rows : fk.parent.rows;
    if (fk.pick.kind === 'radix') return `(1 + ((${ordinal}) - 1) / ${fk.pick.divisor} % ${parentRows})`;
    return `(1 + ${below(stream(this.seed, table.name, fk.info.columns.join(','), 'parent'), ordinal, parentRows)})`;
  }
}
