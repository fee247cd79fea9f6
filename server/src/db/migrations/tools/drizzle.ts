/**
 * drizzle-kit (`drizzle-orm`'s migrator, `drizzle-kit migrate`): one row per
 * applied migration in `drizzle.__drizzle_migrations` on PostgreSQL
 * (`__drizzle_migrations` on SQLite): `hash`, the SHA-256 of the SQL file's
 * text, and `created_at`, the journal entry's `when`. The migrator applies the
 * entries whose `when` is later than the last row's: a migration is applied
 * when a row holds its `when`, and modified when its hash no longer matches
 * the file. The config's `migrations: { table, schema }` (a drizzle.config
 * file in the set's package) moves the table. QueryLens never applies drizzle
 * migrations: drizzle-kit does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { drizzleJournalEntries } from '../../../core/orm/drizzle/migrations';
import { plainChecksum } from '../checksums';
import { isoOf, mergeStatuses, numberOf, readBytes, tableExists, type FileSide, type Tracked } from './common';
import type { AnySet, ToolContext, ToolModule } from './types';

const CONFIG = /^drizzle\.config\.(c|m)?(ts|js)$|^drizzle\.config\.json$/;

/** The tracking table of the set: the config's `migrations` option when a drizzle config beside the set says, else drizzle's defaults. */
export function drizzleTrackingTable(set: AnySet, dialect: ToolContext['dialect']): { schema?: string; table: string } {
  const fallback = dialect === 'postgres' ? { schema: 'drizzle', table: '__drizzle_migrations' } : { table: '__drizzle_migrations' };
  for (const config of configsNear(path.dirname(set.dir))) {
    let text: string;
    try {
      text = fs.readFileSync(config, 'utf8');
    } catch {
      continue;
    }
    const out = /\bout\s*:\s*['"]([^'"]+)['"]/.exec(text)?.[1];
    if (out !== undefined && path.basename(path.resolve(path.dirname(config), out)) !== path.basename(set.dir)) continue;
    const options = /\bmigrations\s*:\s*\{([^}]*)\}/.exec(text)?.[1] ?? '';
    const table = /\btable\s*:\s*['"](\w+)['"]/.exec(options)?.[1];
    const schema = /\bschema\s*:\s*['"](\w+)['"]/.exec(options)?.[1];
    return { ...(dialect === 'postgres' ? { schema: schema ?? 'drizzle' } : {}), table: table ?? '__drizzle_migrations' };
  }
  return fallback;
}

/** drizzle config files in `dir` and its folders (three levels, no node_modules). */
function configsNear(dir: string, depth = 0): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const here = entries.filter((e) => e.isFile() && CONFIG.test(e.name)).map((e) => path.join(dir, e.name));
  if (depth >= 3) return here;
  return [...here, ...entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules').flatMap((e) => configsNear(path.join(dir, e.name), depth + 1))];
}

export const drizzle: ToolModule = {
  tool: 'drizzle',
  table: '__drizzle_migrations',
  command: 'npx drizzle-kit migrate',
  async status(set, ctx) {
    const where = drizzleTrackingTable(set, ctx.dialect);
    const qualified = where.schema ? `"${where.schema}"."${where.table}"` : `"${where.table}"`;
    const found = await tableExists(ctx, where.schema ? `${where.schema}.${where.table}` : where.table);
    const tracked = new Map<string, Tracked>();
    if (found) {
      for (const row of (await ctx.run(`SELECT id, hash, created_at FROM ${qualified} ORDER BY created_at`)).rows) {
        const when = numberOf(row.created_at);
        if (when === undefined) continue;
        const key = String(when);
        tracked.set(key, { key, version: key, description: `row ${String(row.id)}`, success: true, appliedAt: isoOf(when), checksum: String(row.hash ?? '') });
      }
    }
    const when = new Map(drizzleJournalEntries(set.dir).map((e) => [e.tag, e.when]));
    const files: FileSide[] = set.migrations.map((m) => {
      const bytes = readBytes(m.upFile);
      const key = String(when.get(path.basename(m.upFile, '.sql')) ?? '');
      return { key, migration: m, ...(bytes ? { checksum: plainChecksum(bytes) } : {}) };
    });
    const rows = mergeStatuses(files, tracked, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { trackingTableFound: found, rows };
  },
};
