/**
 * Prisma Migrate: `_prisma_migrations`, one row per attempt of a migration
 * folder (`migration_name`). What `prisma migrate status` / `deploy` read:
 * rows with `rolled_back_at` set are ignored (`migrate resolve
 * --rolled-back`); a row with neither `finished_at` nor `rolled_back_at` is a
 * failed migration (deploy refuses to go on); a finished row is applied, and
 * modified when `migration.sql` no longer matches its SHA-256 checksum.
 * QueryLens never applies Prisma migrations: `npx prisma migrate deploy` does.
 */
import * as path from 'node:path';
import { prismaChecksum, prismaChecksumMatches } from '../checksums';
import { isoOf, readBytes, tableExists, mergeStatuses, type FileSide, type Tracked } from './common';
import type { ToolModule } from './types';

const TABLE = '_prisma_migrations';

export const prisma: ToolModule = {
  tool: 'prisma',
  table: TABLE,
  command: 'npx prisma migrate deploy',
  async status(set, ctx) {
    const found = await tableExists(ctx, TABLE);
    const tracked = new Map<string, Tracked>();
    if (found) {
      const r = await ctx.run(`SELECT migration_name, checksum, started_at, finished_at, rolled_back_at FROM ${TABLE} ORDER BY started_at`);
      for (const row of r.rows) {
        if (row.rolled_back_at !== null && row.rolled_back_at !== undefined) continue;
        const name = String(row.migration_name);
        const finished = isoOf(row.finished_at);
        const started = isoOf(row.started_at);
        const previous = tracked.get(name);
        // A failed attempt stays failed whatever else is recorded, until it is resolved.
        if (previous && !previous.success) continue;
        tracked.set(name, {
          key: name,
          version: name,
          description: name.replace(/^\d+_/, ''),
          success: finished !== undefined,
          appliedAt: finished,
          executionMs: finished && started ? Date.parse(finished) - Date.parse(started) : undefined,
          checksum: String(row.checksum ?? ''),
        });
      }
    }
    const files: FileSide[] = set.migrations.map((m) => {
      const bytes = readBytes(m.upFile);
      const text = bytes?.toString('utf8');
      const name = path.basename(path.dirname(m.upFile));
      return { key: name, migration: m, checksum: bytes ? prismaChecksum(bytes) : undefined, matches: text === undefined ? undefined : (recorded) => prismaChecksumMatches(text, recorded) };
    });
    const rows = mergeStatuses(files, tracked, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // Prisma's version is the folder name; detect.ts keeps its timestamp as `version`.
    for (const row of rows) if (row.file) row.version = path.basename(path.dirname(row.file));
    return { trackingTableFound: found, rows };
  },
};
