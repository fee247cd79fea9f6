/**
 * Kysely (`migrator.migrateToLatest()`): `kysely_migration` (name, timestamp),
 * one row per applied migration, keyed by the file name without its
 * extension (what `FileMigrationProvider` names a migration); no checksum.
 * A name in the table with no file is what Kysely refuses to run past
 * ("corrupted migrations: previously executed migration ... is missing"):
 * reported as missing. Read-only: the table is only SELECTed.
 */
import { isoOf, mergeStatuses, tableExists, type FileSide, type Tracked } from './common';
import type { ToolModule } from './types';

const TABLE = 'kysely_migration';

export const kysely: ToolModule = {
  tool: 'kysely',
  table: TABLE,
  command: 'migrator.migrateToLatest()',
  async status(set, ctx) {
    const found = await tableExists(ctx, TABLE);
    const tracked = new Map<string, Tracked>();
    if (found) {
      // The timestamp column is varchar (an ISO time): sorted by name, as Kysely orders the migrations.
      for (const row of (await ctx.run(`SELECT name, timestamp FROM ${TABLE} ORDER BY name`)).rows) {
        const name = String(row.name);
        const at = isoOf(row.timestamp);
        tracked.set(name, { key: name, version: name, description: name, success: true, ...(at ? { appliedAt: at } : {}) });
      }
    }
    const files: FileSide[] = set.migrations.map((m) => ({ key: m.version, migration: m }));
    return { trackingTableFound: found, rows: mergeStatuses(files, tracked, (a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
  },
};
