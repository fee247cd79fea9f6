/**
 * Helpers for the knex and Kysely tests on the real PostgreSQL server: a
 * fixture migrations folder copied to a scratch project (with node_modules
 * linked, so the migration modules find `knex` and `kysely`), the catalog
 * QueryLens reads from it, and what PostgreSQL has after the real tool ran
 * it, both in one comparable shape. Column types are compared as PostgreSQL
 * spells them: the catalog's types (`serial`, `varchar(255)`, `timestamptz`)
 * go through PostgreSQL itself (a temporary table's `format_type`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'pg';
import { buildCatalog } from '../../../server/src/core/catalog/build';
import type { Catalog, MigrationSet } from '../../../server/src/core/catalog/types';
import { schemaDocument } from '../../../server/src/core/engine/hostDocument';
import { readScriptMigration } from '../../../server/src/core/host/typescript/migrations';
import { detectScriptMigrations } from '../../../server/src/core/migrations/scripts';
import type { ToolContext } from '../../../server/src/db/migrations/tools/types';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/js-migrations');

export interface Project {
  root: string;
  migrations: string;
  remove(): void;
}

/** `fixture` (a folder of test/fixtures/js-migrations) copied to `<tmp>/migrations`, node_modules linked beside it. */
export function scratchProject(fixture: string): Project {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `querylens-${fixture}-`));
  const migrations = path.join(root, 'migrations');
  fs.cpSync(path.join(FIXTURES, fixture), migrations, { recursive: true });
  fs.symlinkSync(path.resolve(__dirname, '../../../node_modules'), path.join(root, 'node_modules'), 'dir');
  return { root, migrations, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** The folder's set, as the workspace detects it (the reader decides which file is a migration of which tool). */
export function scriptSet(dir: string): MigrationSet {
  const files = fs.readdirSync(dir).map((n) => path.join(dir, n));
  const sets = detectScriptMigrations(files, (file) => readScriptMigration(file, fs.readFileSync(file, 'utf8')));
  if (sets.length !== 1) throw new Error(`expected one set in ${dir}, found ${sets.length}`);
  return sets[0]!;
}

/** The catalog QueryLens builds from the set's migrations, in their order. */
export function catalogOf(set: MigrationSet): Catalog {
  return buildCatalog(
    set.migrations.map((m, order) => {
      const text = fs.readFileSync(m.upFile, 'utf8');
      const read = readScriptMigration(m.upFile, text)!;
      return { file: m.upFile, order, document: schemaDocument(text, read.changes, 'postgres') };
    }),
  );
}

/** The tool modules' context over a pg client (read-only: the status only SELECTs). */
export function toolContext(db: Client, root: string): ToolContext {
  return {
    run: async (sql, params) => ({ rows: (await db.query(sql, params as unknown[])).rows as Record<string, unknown>[] }),
    dialect: 'postgres',
    root,
  };
}

export interface Shape {
  [table: string]: {
    columns: string[];
    indexes: string[];
    foreignKeys: string[];
  };
}

const TRACKING = new Set(['knex_migrations', 'knex_migrations_lock', 'kysely_migration', 'kysely_migration_lock']);

/** The catalog's tables: `name type [not null]` columns, `name (cols) method [unique]` indexes, `name (cols) -> table (cols)` keys; sorted. */
export async function catalogShape(catalog: Catalog, db: Client): Promise<Shape> {
  const types = [...new Set([...catalog.tables.values()].flatMap((t) => [...t.columns.values()].map((c) => c.type)))];
  const spelled = new Map<string, string>();
  if (types.length > 0) {
    await db.query(`CREATE TEMP TABLE querylens_types (${types.map((t, i) => `c${i} ${t}`).join(', ')})`);
    const r = await db.query(
      `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'querylens_types'::regclass AND attnum > 0 AND NOT attisdropped`,
    );
    for (const row of r.rows) spelled.set(types[Number(String(row.attname).slice(1))]!, row.type as string);
    await db.query('DROP TABLE querylens_types');
  }
  const shape: Shape = {};
  for (const table of catalog.tables.values()) {
    shape[table.name] = {
      columns: [...table.columns.values()].map((c) => `${c.name} ${spelled.get(c.type)}${c.notNull ? ' not null' : ''}`).sort(),
      indexes: table.indexes.map((i) => `${i.name} (${i.keys.map((k) => k.column ?? k.expression).join(', ')}) ${i.method}${i.unique ? ' unique' : ''}`).sort(),
      foreignKeys: table.foreignKeys.map((f) => `${f.name} (${f.columns.join(', ')}) -> ${f.refTable} (${f.refColumns.join(', ')})`).sort(),
    };
  }
  return shape;
}

/** The same of the database's `public` schema, tracking tables left out. */
export async function databaseShape(db: Client): Promise<Shape> {
  const shape: Shape = {};
  const tables = await db.query(`SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY relname`);
  for (const { relname } of tables.rows as { relname: string }[]) {
    if (TRACKING.has(relname)) continue;
    const columns = await db.query(
      `SELECT attname, format_type(atttypid, atttypmod) AS type, attnotnull FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
      [`public.${relname}`],
    );
    const indexes = await db.query(
      `SELECT i.relname AS name, am.amname AS method, x.indisunique AS unique,
              (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum) AS cols
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam
        WHERE x.indrelid = $1::regclass`,
      [`public.${relname}`],
    );
    const keys = await db.query(
      `SELECT c.conname AS name, r.relname AS ref,
              (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS cols,
              (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS refcols
         FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid WHERE c.contype = 'f' AND c.conrelid = $1::regclass`,
      [`public.${relname}`],
    );
    shape[relname] = {
      columns: columns.rows.map((c) => `${c.attname} ${c.type}${c.attnotnull ? ' not null' : ''}`).sort(),
      indexes: indexes.rows.map((i) => `${i.name} (${i.cols}) ${i.method}${i.unique ? ' unique' : ''}`).sort(),
      foreignKeys: keys.rows.map((k) => `${k.name} (${k.cols}) -> ${k.ref} (${k.refcols})`).sort(),
    };
  }
  return shape;
}
