/**
 * Knex (`npx knex migrate:latest`): `knex_migrations` (id, name, batch,
 * migration_time), one row per applied file, keyed by the file name with its
 * extension; no checksum. A name in the table with no file is what Knex calls
 * a corrupt migration directory: reported as missing.
 *
 * The workspace reads knex migrations with the TypeScript/JavaScript grammars
 * (core/migrations/scripts.ts) and detects their sets. What it does not list
 * is found here by file names: a `knexfile.{js,cjs,mjs,ts}` and the
 * `migrations/` folder beside it (Knex's default `directory`), or any folder
 * named `migrations` whose files are named as `knex migrate:make` names them,
 * `YYYYMMDDHHMMSS_name.js|ts` (Sequelize writes `...-name.js`, TypeORM
 * `<ms>-Name.ts`: neither matches). The workspace's sets carry the table a
 * knexfile names (`migrations.tableName`, `schemaName`), read there with the
 * folders it names (`migrations.directory`); the table is a plain identifier
 * (checked by the reader) and quoted here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Migration } from '../../../core/catalog/types';
import { isoOf, tableExists, mergeStatuses, type FileSide, type Tracked } from './common';
import type { AnySet, ToolModule } from './types';

const TABLE = 'knex_migrations';
const KNEXFILE = /^knexfile\.(c|m)?(js|ts)$/;
const MIGRATION_FILE = /^(\d{14})_(.+)\.(c|m)?(js|ts)$/;
const SCRIPT = /\.(c|m)?(js|ts)$/;
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'build', 'target', 'out', 'vendor']);
const MAX_DEPTH = 6;

/** Knex migration sets under `root` by file names (a bounded walk), for the folders the workspace's own detection missed. */
export function detectKnex(root: string): AnySet[] {
  const sets = new Map<string, AnySet>();
  const visit = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const names = entries.filter((e) => e.isFile()).map((e) => e.name);
    const besideKnexfile = names.some((n) => KNEXFILE.test(n)) ? path.join(dir, 'migrations') : undefined;
    if (besideKnexfile && fs.existsSync(besideKnexfile)) addSet(sets, besideKnexfile, (n) => SCRIPT.test(n) && !n.endsWith('.d.ts'));
    if (path.basename(dir) === 'migrations' && names.some((n) => MIGRATION_FILE.test(n))) addSet(sets, dir, (n) => MIGRATION_FILE.test(n));
    if (depth >= MAX_DEPTH) return;
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && !SKIPPED.has(e.name)) visit(path.join(dir, e.name), depth + 1);
  };
  visit(path.resolve(root), 0);
  return [...sets.values()].sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

function addSet(sets: Map<string, AnySet>, dir: string, accept: (name: string) => boolean): void {
  if (sets.has(dir)) return;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter(accept).sort();
  } catch {
    return;
  }
  // Knex runs its files in name order (the timestamp prefix): the name is the version.
  const migrations: Migration[] = names.map((name) => {
    const m = MIGRATION_FILE.exec(name);
    return { version: name, description: m ? m[2] : name.replace(SCRIPT, ''), upFile: path.join(dir, name) };
  });
  if (migrations.length > 0) sets.set(dir, { tool: 'knex', dir, migrations });
}

export const knex: ToolModule = {
  tool: 'knex',
  table: TABLE,
  command: 'npx knex migrate:latest',
  async status(set, ctx) {
    // knex creates the table with the name as written (quoted): looked up the same way.
    const table = set.table ?? TABLE;
    const quoted = table.split('.').map((part) => `"${part.replace(/"/g, '""')}"`).join('.');
    const found = await tableExists(ctx, ctx.dialect === 'postgres' ? quoted : table);
    const tracked = new Map<string, Tracked>();
    if (found) {
      for (const row of (await ctx.run(`SELECT name, batch, migration_time FROM ${quoted} ORDER BY id`)).rows) {
        const name = String(row.name);
        tracked.set(name, { key: name, version: name, description: `batch ${String(row.batch)}`, success: true, appliedAt: isoOf(row.migration_time) });
      }
    }
    const files: FileSide[] = set.migrations.map((m) => ({ key: m.version, migration: m }));
    return { trackingTableFound: found, rows: mergeStatuses(files, tracked, (a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
  },
};
