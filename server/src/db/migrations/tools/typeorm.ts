/**
 * TypeORM (`typeorm migration:run`, `dataSource.runMigrations()`): the
 * `migrations` table (id, timestamp, name), one row per applied migration,
 * keyed by the migration's name (its class name, `AddUsers1700000000000`);
 * `timestamp` is the name's 13-digit suffix, not when it ran (TypeORM records
 * no run time), and there is no checksum. A name in the table with no class
 * is reported as missing. A DataSource's `migrationsTableName` other than the
 * default is not read. Read-only: the table is only SELECTed.
 */
import { mergeStatuses, tableExists, type FileSide, type Tracked } from './common';
import type { ToolModule } from './types';

const TABLE = 'migrations';

/** TypeORM's order: the name's 13-digit timestamp suffix, then the name. */
function byTimestamp(a: string, b: string): number {
  const stamp = (n: string) => Number(/(\d{13})$/.exec(n)?.[1] ?? 0);
  return stamp(a) - stamp(b) || (a < b ? -1 : a > b ? 1 : 0);
}

export const typeorm: ToolModule = {
  tool: 'typeorm',
  table: TABLE,
  command: 'npx typeorm migration:run -d <data-source>',
  async status(set, ctx) {
    const found = await tableExists(ctx, TABLE);
    const tracked = new Map<string, Tracked>();
    if (found) {
      for (const row of (await ctx.run(`SELECT id, timestamp, name FROM ${TABLE} ORDER BY id`)).rows) {
        const name = String(row.name);
        tracked.set(name, { key: name, version: name, description: name.replace(/\d{13}$/, '') || name, success: true });
      }
    }
    const files: FileSide[] = set.migrations.map((m) => ({ key: m.version, migration: m }));
    return { trackingTableFound: found, rows: mergeStatuses(files, tracked, byTimestamp) };
  },
};
